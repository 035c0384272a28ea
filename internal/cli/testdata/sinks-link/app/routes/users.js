const db = require('../db');
exports.showUser = (req, res) => {
  db.query('SELECT * FROM users WHERE id = ' + req.params.id);
};
