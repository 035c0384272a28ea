const express = require('express');
const rateLimit = require('express-rate-limit');
const passport = require('passport');
const csrf = require('csurf');

const usersRouter = require('./routes/users');
const { requireAuth } = require('./middleware/auth');
const adminRoutes = require('./routes/admin');

const app = express();
const apiLimiter = rateLimit({ windowMs: 60 * 1000, max: 100 });

app.get('/', (req, res) => res.send('home')); // want: GET / []
app.use('/api', apiLimiter);
app.use('/api/users', usersRouter);
app.post('/api/login', passport.authenticate('local'), (req, res) => res.json({})); // want: POST /api/login [rate-limit] #auth-endpoint
app.use(csrf());
app.post('/contact', (req, res) => res.send('thanks')); // want: POST /contact [csrf]
app.use('/admin', requireAuth, adminRoutes);
app.route('/book/:id') // want: GET /book/{id} [csrf] ; PUT /book/{id} [csrf]
  .get((req, res) => res.send('book'))
  .put((req, res) => res.send('updated'));
require('./routes/legacy')(app);

module.exports = app;
