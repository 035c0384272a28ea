import { createClient } from '@supabase/supabase-js';

// Server only: the service-role key skips row-level security.
export const supabaseAdmin = createClient(
  process.env.NEXT_PUBLIC_SUPABASE_URL || '',
  process.env.SUPABASE_SERVICE_ROLE_KEY || '' // want "privileged-key-server"
);

export const again = process.env.SUPABASE_SERVICE_ROLE_KEY;
