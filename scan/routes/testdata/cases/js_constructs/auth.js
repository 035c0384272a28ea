function authMiddleware(req, res, next) {
  if (!req.user) return res.sendStatus(401);
  next();
}

function adminMiddleware(req, res, next) {
  if (!req.user.admin) return res.sendStatus(403);
  next();
}

function optionalAuthenticator(req, res, next) {
  next();
}

module.exports = { authMiddleware, adminMiddleware, optionalAuthenticator };
