import { Ratelimit } from '@upstash/ratelimit';

const ratelimit = new Ratelimit({ limiter: Ratelimit.slidingWindow(5, '1 m') });

export const POST = async (req: Request) => { // want: POST /api/contact [rate-limit]
  const { success } = await ratelimit.limit(req.headers.get('x-forwarded-for') ?? 'anon');
  if (!success) return new Response('slow down', { status: 429 });
  return Response.json({ ok: true });
};

export function GET() { // want: GET /api/contact []
  return Response.json({ ok: true });
}
