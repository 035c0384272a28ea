const express = require('express');
const basicAuth = require('express-basic-auth');
const crypto = require('crypto');

const router = express.Router();

router.use(basicAuth({ users: { admin: 'pa55w0rd' } })); // want "hardcoded-credential"
router.use(basicAuth({ users: { ops: process.env.OPS_PASSWORD || 'changeme' } })); // want "hardcoded-credential"
router.use(basicAuth({ users: { ci: process.env.CI_PASSWORD } }));
router.use(basicAuth({
  authorizer: (username, password) => username === 'root' && password === 'toor', // want "login-literal-credential"
}));

async function login(req, res) {
  const { username, password } = req.body;
  if (username === 'demo' && password === 'demo123') { // want "login-literal-credential"
    return res.json({ token: 'x' });
  }
  if (crypto.timingSafeEqual(Buffer.from(password), Buffer.from('letmein'))) { // want "login-literal-credential"
    return res.json({ token: 'y' });
  }
  // Look-alikes: empty, type, length, another variable.
  if (password === '' || typeof password === 'string' || password.length === 8 || password === req.body.confirm) {
    return res.status(400).end();
  }
  return res.status(401).end();
}

// Not a login: the literal is a default the form shows.
function renderSettings(password) {
  return password === 'changeme' ? 'default' : 'custom';
}

router.post('/login', login);
module.exports = { router, renderSettings };

// A literal compared in a callback that grants nothing (a challenge or
// metrics hook) is not a login, even inside a login's code.
function loginHooks(req) {
  solveIf(weakPassword, () => req.body.email === 'admin@shop' && req.body.password === 'admin123');
}

// Any function: a literal user name and password in one condition is an
// account.
function labView(req, res) {
  if (req.body.username === 'jack' && req.body.password === 'jacktheripper') { // want "login-literal-credential"
    res.cookie('admin', '1');
  }
}
