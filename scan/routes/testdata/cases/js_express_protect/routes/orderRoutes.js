import express from 'express';
import { protect, admin } from '../middleware/authMiddleware.js';

const router = express.Router();
const add = (req, res) => res.status(201).json({});
const mine = (req, res) => res.json([]);
const all = (req, res) => res.json([]);
const deliver = (req, res) => res.json({});

// Every order route needs a signed-in user.
router.use(protect);
router.post('/', add); // want: POST /api/orders/ [auth]
router.get('/myorders', mine); // want: GET /api/orders/myorders [auth]
router.get('/', admin, all); // want: GET /api/orders/ [auth]
router.put('/:id/deliver', admin, deliver); // want: PUT /api/orders/{id}/deliver [auth]

export default router;
