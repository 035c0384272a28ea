// A test sets its own secret: silent.
const secret = process.env.JWT_SECRET || 'test-secret';
module.exports = { secret };
