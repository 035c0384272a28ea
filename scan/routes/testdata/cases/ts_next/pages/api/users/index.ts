export default async function handler(req, res) { // want: POST /api/users []
  if (req.method !== 'POST') {
    return res.status(405).end();
  }
  res.json({});
}
