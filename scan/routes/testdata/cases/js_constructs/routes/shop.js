const router = require('express').Router();
const { optionalAuthenticator } = require('../auth');

router.get('/items', optionalAuthenticator, (req, res) => res.json([])); // want: GET /shop/items [auth-optional]

module.exports = router;
