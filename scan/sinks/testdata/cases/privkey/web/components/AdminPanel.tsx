'use client';

import { createClient } from '@supabase/supabase-js';

export function AdminPanel() {
  const key = process.env.SUPABASE_SECRET_KEY; // want "privileged-key-client"
  const anon = process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY;
  const db = createClient(process.env.NEXT_PUBLIC_SUPABASE_URL!, key ?? anon!);
  return <pre>{JSON.stringify(db)}</pre>;
}
