const express = require('express');
const controller = require('../controllers/orders');
const users = require('../controllers/users');

const router = express.Router();
router.post('/', controller.create);
router.get('/:id/owner', users.show);
module.exports = router;
