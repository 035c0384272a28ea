import { Router } from 'express';
import auth from './auth';

const router = Router();

router.get('/tags', auth.optional, (req, res) => res.json([])); // want: GET /api/tags [auth-optional] ; GET /api/v2/tags [auth-optional]
router.delete('/tags/:id', auth.required, (req, res) => res.sendStatus(204)); // want: DELETE /api/tags/{id} [auth] ; DELETE /api/v2/tags/{id} [auth]

export default router;
