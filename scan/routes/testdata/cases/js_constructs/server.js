const express = require('express');
const passport = require('passport');
const { expressjwt } = require('express-jwt');
const shop = require('./routes/shop');
const admin = require('./routes/admin');

const app = express();
const api = require('express').Router();
const baseUrl = process.env.BASE_URL;
const requireJwt = passport.authenticate('jwt', { session: false });
const maybeUser = expressjwt({ secret: 'k', algorithms: ['HS256'], credentialsRequired: false });

api.get('/ping', (req, res) => res.send('pong')); // want: GET /api/ping []
api.get(baseUrl + '/cart', maybeUser, (req, res) => res.json([])); // want: GET /api/{baseUrl}/cart [auth-optional]
api.get(buildPath(), (req, res) => res.send('?')); // unresolved: path from a function call

app.post('/login', passport.authenticate('local', { failureRedirect: '/login' }), login); // want: POST /login [] #auth-endpoint
app.get('/auth/github', passport.authenticate('github')); // want: GET /auth/github [] #auth-endpoint
app.get('/me', requireJwt, (req, res) => res.json(req.user)); // want: GET /me [auth]

const mounts = [
  { path: '/shop', route: shop },
  { path: '/admin', route: admin },
];
mounts.forEach((m) => {
  app.use(m.path, m.route);
});

const pages = ['about', 'terms'];
for (const page of pages) {
  app.get(`/pages/${page}`, (req, res) => res.render(page)); // want: GET /pages/about [] ; GET /pages/terms []
}

app.use('/api', api);

function login(req, res) {
  res.json({ ok: true });
}

function buildPath() {
  return '/x';
}

module.exports = app;

const pluginRoutes = loadPluginRoutes();
app.use('/plugins', pluginRoutes); // unresolved: router built at run time

function loadPluginRoutes() {
  return null;
}
