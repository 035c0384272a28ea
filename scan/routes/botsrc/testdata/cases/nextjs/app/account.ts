'use server';

import { createClient } from '../lib/supabase';

// Supabase's auth.updateUser acts on the user of the session cookie and
// fails without one: the call is the session check.
export async function changeDisplayName(form: FormData) { // want: server-action POST app/account.ts#changeDisplayName [auth]
  const supabase = createClient();
  const { error } = await supabase.auth.updateUser({ data: { full_name: String(form.get('name')) } });
  return error ? 'failed' : 'ok';
}

// Sending a reset mail is meant for signed-out callers; nothing checks a session.
export async function sendResetMail(form: FormData) { // want: server-action POST app/account.ts#sendResetMail []
  const supabase = createClient();
  await supabase.auth.resetPasswordForEmail(String(form.get('email')));
  return 'sent';
}
