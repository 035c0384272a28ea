const jwt = require('jsonwebtoken');

exports.requireAuth = function requireAuth(req, res, next) {
  try {
    req.user = jwt.verify(req.headers.authorization, process.env.JWT_SECRET);
    next();
  } catch (e) {
    res.sendStatus(401);
  }
};
