const express = require('express');
const jwt = require('jsonwebtoken');
const User = require('./user');

const router = express.Router();

router.post('/reset-password/:token', async (req, res) => {
  const { id } = jwt.verify(req.params.token, process.env.JWT_SECRET); // want "reset-token-reusable"
  const user = await User.findById(id);
  user.password = req.body.password;
  await user.save();
  res.sendStatus(204);
});

// The secret includes the current password hash: a used link dies.
router.post('/forgot/:id/:token', async (req, res) => {
  const user = await User.findById(req.params.id);
  jwt.verify(req.params.token, process.env.JWT_SECRET + user.password);
  user.password = req.body.password;
  await user.save();
  res.sendStatus(204);
});

// A stored token, deleted on use.
router.post('/reset/:token', async (req, res) => {
  const payload = jwt.verify(req.params.token, process.env.JWT_SECRET);
  const row = await ResetToken.findOne({ token: req.params.token, userId: payload.id });
  await row.destroy();
  res.sendStatus(204);
});

async function resetPassword(req, res) {
  const user = await verifyResetToken(req.body.token); // want "reset-token-reusable"
  user.password = req.body.password;
  await user.save();
  res.sendStatus(204);
}

function verifyResetToken(token) {
  const { sub } = jwt.verify(token, process.env.RESET_SECRET);
  return User.findById(sub);
}

router.post('/auth/reset', resetPassword);

// A session check on a route that happens to mention reset.
router.get('/me/reset-state', (req, res) => {
  const claims = jwt.verify(req.headers.authorization.slice(7), process.env.JWT_SECRET);
  res.json({ id: claims.sub });
});

module.exports = router;
