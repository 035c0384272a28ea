const { Router } = require('express');

const router = Router();
router.get('/stats', (req, res) => res.json({})); // want: GET /admin/stats [auth,csrf] #admin
router.post('/debug/flush', (req, res) => res.json({})); // want: POST /admin/debug/flush [auth,csrf] #debug,admin

module.exports = router;
