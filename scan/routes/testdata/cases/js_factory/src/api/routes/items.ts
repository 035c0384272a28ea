import { Router } from 'express';

export function itemRoutes() {
  return Router().get('/items', (req, res) => res.json([])); // want: GET /api/v2/items []
}

export default (app: Router) => {
  const route = Router();
  app.use('/v1', route);
  route.get('/items/:id', (req, res) => res.json({})); // want: GET /api/v1/items/{id} []
  app.use('/v2', itemRoutes());
};
