import OpenAI from 'openai';

// Keys that the bundler copies into the page.
const openai = new OpenAI({
  apiKey: import.meta.env.VITE_OPENAI_API_KEY, // want "secret-in-public-env"
  dangerouslyAllowBrowser: true,
});
// const old = new OpenAI({ apiKey: import.meta.env.VITE_OPENAI_API_KEY });

export const admin = createClient(
  process.env.NEXT_PUBLIC_SUPABASE_URL,
  process.env.NEXT_PUBLIC_SUPABASE_SERVICE_ROLE_KEY, // want "secret-in-public-env" "privileged-key-client"
);
export const stripeSecret = process.env["REACT_APP_STRIPE_SECRET_KEY"]; // want "secret-in-public-env"
export const bot = import.meta.env.VITE_TELEGRAM_BOT_TOKEN; // want "secret-in-public-env"
export const db = process.env.EXPO_PUBLIC_DATABASE_URL; // want "secret-in-public-env"

// Keys meant for the browser.
export const anon = process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY;
export const pk = process.env.NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY;
export const firebase = import.meta.env.VITE_FIREBASE_API_KEY;
export const maps = process.env.REACT_APP_GOOGLE_MAPS_API_KEY;
export const mapbox = process.env.NEXT_PUBLIC_MAPBOX_ACCESS_TOKEN;
export const oauth = process.env.NEXT_PUBLIC_GITHUB_CLIENT_ID;
export const site = process.env.NEXT_PUBLIC_RECAPTCHA_SITE_KEY;
// A secret read without a public prefix stays on the server.
export const server = process.env.OPENAI_API_KEY;
export const optional = import.meta.env?.VITE_ANTHROPIC_API_KEY || ''; // want "secret-in-public-env"
