const express = require('express');
const { authMiddleware, adminMiddleware } = require('../auth');

const router = express.Router();

router.get('/health', (req, res) => res.send('ok')); // want: GET /admin/health [] #admin
router.use(authMiddleware, adminMiddleware);
router.get('/users', (req, res) => res.json([])); // want: GET /admin/users [auth] #admin
router.delete('/users/:id', (req, res) => res.sendStatus(204)); // want: DELETE /admin/users/{id} [auth] #admin

module.exports = router;
