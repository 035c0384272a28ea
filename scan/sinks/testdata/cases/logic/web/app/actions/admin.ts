'use server';

export async function purge() {
  return process.env.NEXT_PUBLIC_SUPABASE_SERVICE_ROLE_KEY; // want "privileged-key-server"
}
