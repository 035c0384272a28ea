import express from 'express';
import routes from './routes/routes';

const app = express();
app.use(routes);
app.get('/', (req, res) => res.send('ok')); // want: GET / []
