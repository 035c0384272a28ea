// An Express shop in the style of many MERN tutorials: routers mounted
// under /api, guarded by two middleware named protect and admin.
import express from 'express';
import productRoutes from './routes/productRoutes.js';
import orderRoutes from './routes/orderRoutes.js';

const app = express();
app.use(express.json());
app.use('/api/products', productRoutes);
app.use('/api/orders', orderRoutes);
app.get('/api/config/paypal', (req, res) => res.send(process.env.PAYPAL_CLIENT_ID)); // want: GET /api/config/paypal []
app.listen(5000);
