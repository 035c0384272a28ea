export function GET() {
  return Response.json({ private: true });
}
