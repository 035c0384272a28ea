module.exports = function (app) {
  app.post('/api/legacy/sync', (req, res) => res.json({ ok: true })); // want: POST /api/legacy/sync [rate-limit,csrf]
};
