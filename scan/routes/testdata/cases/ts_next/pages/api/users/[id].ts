import { getServerSession } from 'next-auth/next';

export default async function handler(req, res) { // want: GET /api/users/{id} [auth] ; DELETE /api/users/{id} [auth]
  const session = await getServerSession(req, res, authOptions);
  if (!session) return res.status(401).end();
  switch (req.method) {
    case 'GET':
      return res.json({});
    case 'DELETE':
      return res.status(204).end();
    default:
      res.setHeader('Allow', ['GET', 'DELETE']);
      return res.status(405).end();
  }
}
