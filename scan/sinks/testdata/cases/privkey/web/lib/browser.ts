// Keys meant for the browser, and names that are not keys.
export const url = process.env.NEXT_PUBLIC_SUPABASE_URL;
export const anon = process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY;
export const firebase = process.env.NEXT_PUBLIC_FIREBASE_API_KEY;
export const project = process.env.FIREBASE_PROJECT_ID;
