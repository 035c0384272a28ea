const db = require('../db');

class UserController {
  async show(req, res) {
    const rows = await db.query('SELECT * FROM users WHERE id = ' + req.params.id);
    res.json(rows);
  }
}

module.exports = new UserController();
