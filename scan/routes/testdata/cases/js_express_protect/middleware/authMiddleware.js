import jwt from 'jsonwebtoken';

// protect reads a Bearer token and loads the user; admin checks the flag.
const protect = async (req, res, next) => {
  const header = req.headers.authorization || '';
  if (!header.startsWith('Bearer')) {
    return res.status(401).json({ message: 'Not authorized, no token' });
  }
  req.user = jwt.verify(header.split(' ')[1], process.env.JWT_SECRET);
  next();
};

const admin = (req, res, next) => {
  if (req.user && req.user.isAdmin) {
    return next();
  }
  res.status(401).json({ message: 'Not authorized as an admin' });
};

export { protect, admin };
