import express from 'express';
import { createProduct as create, listProducts } from '../controllers/productController.js';
import { protect } from '../middleware/auth.js';
import { searchProducts } from '../controllers/search';

const router = express.Router();
router.route('/').get(listProducts).post(protect, create);
router.get('/search', searchProducts());
export default router;
