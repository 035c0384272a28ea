import express from 'express';
import basicAuth from 'express-basic-auth';
import agendash from 'agendash';
import productRoutes from './routes/productRoutes.js';
import orderRoutes from './routes/orderRoutes.js';
import config from './config/index.js';

const app = express();
app.use(express.json());
app.use('/api/products', productRoutes);
app.use('/api/orders', orderRoutes);
app.use('/dash', basicAuth({ users: { [config.dash.user]: config.dash.password } }), agendash(jobs));
app.listen(5000);
