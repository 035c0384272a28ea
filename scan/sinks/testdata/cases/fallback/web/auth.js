const jwt = require('jsonwebtoken');
const session = require('express-session');

const secret = process.env.JWT_SECRET || 'secret'; // want "secret-default-fallback"
app.use(session({ secret: process.env.SESSION_SECRET ?? "keyboard cat" })); // want "secret-default-fallback"
const cookie = process.env['COOKIE_SECRET'] || `c00kie`; // want "secret-default-fallback"

// Silent: empty default, another variable, non-secret names.
const a = process.env.JWT_SECRET || '';
const b = process.env.JWT_SECRET || process.env.FALLBACK_SECRET;
const c = process.env.PORT || '3000';
const d = process.env.STRIPE_SECRET_KEY || 'sk_test';
const e = process.env.API_URL || 'http://localhost';
const f = process.env.SECRET || config.secret;
const g = process.env.NODE_ENV === 'production' && 'x';
module.exports = { secret, cookie, a, b, c, d, e, f, g, token: jwt.sign({}, secret) };
