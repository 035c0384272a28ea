import express from 'express';
import { createProduct as create, listProducts } from '../controllers/productController.js';
import { protect } from '../middleware/auth.js';

const router = express.Router();
router.route('/').get(listProducts).post(protect, create);
export default router;
