import type { NextApiRequest, NextApiResponse } from 'next';

export default function handler(req: NextApiRequest, res: NextApiResponse) { // want: ANY /api/hello []
  res.status(200).json({ name: 'John Doe' });
}
