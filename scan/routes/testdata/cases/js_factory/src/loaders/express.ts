import express from 'express';
import routes from '@/api';

export default ({ app }: { app: express.Application }) => {
  app.get('/status', (req, res) => res.end()); // want: GET /status []
  app.use('/api', routes());
};
