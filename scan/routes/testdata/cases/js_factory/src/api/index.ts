import { Router } from 'express';
import auth from './routes/auth';
import items from './routes/items';
import dashboards from './routes/dashboards';

// The API router is built by a function; the app mounts what it returns.
export default () => {
  const app = Router();
  auth(app);
  items(app);
  dashboards(app);
  return app;
};
