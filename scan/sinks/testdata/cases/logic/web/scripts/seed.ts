// A Node script loads .env itself: nothing here is bundled for a browser.
import 'dotenv/config';

const key = process.env.VITE_OPENAI_API_KEY;
console.log(Boolean(key));
