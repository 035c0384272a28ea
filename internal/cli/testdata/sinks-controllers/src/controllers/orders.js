const db = require('../db');

exports.create = async (req, res) => {
  const { logger } = req.app.locals;
  logger.info('order %o', req.body.cardToken);
  await db.query('INSERT INTO orders (note) VALUES (\'' + req.body.note + '\')');
  res.status(201).end();
};
