import express from 'express';
import { protect, admin } from '../middleware/authMiddleware.js';

const router = express.Router();
const list = (req, res) => res.json([]);
const create = (req, res) => res.status(201).json({});
const show = (req, res) => res.json({});
const remove = (req, res) => res.json({});
const update = (req, res) => res.json({});
const review = (req, res) => res.status(201).json({});

router.route('/').get(list).post(protect, admin, create); // want: GET /api/products/ [] ; POST /api/products/ [auth]
router.route('/:id/reviews').post(protect, review); // want: POST /api/products/{id}/reviews [auth]
router.route('/:id').get(show).delete(protect, admin, remove).put(protect, admin, update); // want: GET /api/products/{id} [] ; DELETE /api/products/{id} [auth] ; PUT /api/products/{id} [auth]

export default router;
