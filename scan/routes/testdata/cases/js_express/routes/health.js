// server is created elsewhere and reaches this file through a global.
server.get('/healthz', healthz); // want: GET /healthz []

function healthz(req, res) {
  res.send('ok');
}
