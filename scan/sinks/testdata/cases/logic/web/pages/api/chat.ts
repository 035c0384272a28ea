// An API route runs on the server only: its reads never reach the bundle.
export default async function handler(req, res) {
  const key = process.env.NEXT_PUBLIC_OPENAI_API_KEY;
  res.json({ ok: Boolean(key) });
}
