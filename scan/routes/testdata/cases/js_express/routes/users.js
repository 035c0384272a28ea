const express = require('express');
const router = express.Router();

router.get('/', list); // want: GET /api/users/ [rate-limit]
router.get('/:id(\\d+)', show); // want: GET /api/users/{id} [rate-limit]
router.delete('/:id', ensureLoggedIn, remove); // want: DELETE /api/users/{id} [auth,rate-limit]

function list(req, res) {}
function show(req, res) {}
function remove(req, res) {}
function ensureLoggedIn(req, res, next) {
  if (!req.isAuthenticated()) return res.sendStatus(401);
  next();
}

module.exports = router;
