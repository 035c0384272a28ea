const express = require('express');
const app = express();

// Each factory returns the next one's router from three branches; the last
// builds the router. The chain is followed to it, once per function.
function chain0(opts) {
  if (opts.a) return chain1();
  if (opts.b) return chain1();
  if (opts.c) return chain1();
  return null;
}
function chain1(opts) {
  if (opts.a) return chain2();
  if (opts.b) return chain2();
  if (opts.c) return chain2();
  return null;
}
function chain2(opts) {
  if (opts.a) return chain3();
  if (opts.b) return chain3();
  if (opts.c) return chain3();
  return null;
}
function chain3(opts) {
  if (opts.a) return chain4();
  if (opts.b) return chain4();
  if (opts.c) return chain4();
  return null;
}
function chain4(opts) {
  if (opts.a) return chain5();
  if (opts.b) return chain5();
  if (opts.c) return chain5();
  return null;
}
function chain5(opts) {
  if (opts.a) return chain6();
  if (opts.b) return chain6();
  if (opts.c) return chain6();
  return null;
}
function chain6(opts) {
  if (opts.a) return chain7();
  if (opts.b) return chain7();
  if (opts.c) return chain7();
  return null;
}
function chain7(opts) {
  if (opts.a) return chain8();
  if (opts.b) return chain8();
  if (opts.c) return chain8();
  return null;
}
function chain8(opts) {
  if (opts.a) return chain9();
  if (opts.b) return chain9();
  if (opts.c) return chain9();
  return null;
}
function chain9(opts) {
  if (opts.a) return api();
  if (opts.b) return api();
  if (opts.c) return api();
  return null;
}
function api() {
  const r = express.Router();
  r.get('/items', (req, res) => res.json([])); // want: GET /api/items []
  return r;
}
app.use('/api', chain0({ a: true }));

// A chain deeper than the analysis follows: the call where it stops is
// reported unresolved and the router's route is listed as unmounted.
function deep0() { return deep1(); }
function deep1() { return deep2(); }
function deep2() { return deep3(); }
function deep3() { return deep4(); }
function deep4() { return deep5(); }
function deep5() { return deep6(); }
function deep6() { return deep7(); }
function deep7() { return deep8(); }
function deep8() { return deep9(); }
function deep9() { return deep10(); }
function deep10() { return deep11(); }
function deep11() { return deep12(); }
function deep12() { return deep13(); }
function deep13() { return deep14(); }
function deep14() { return deep15(); }
function deep15() { return deep16(); } // unresolved: nested too deep
function deep16() { return deep17(); }
function deep17() { return deep18(); }
function deep18() { return deep19(); }
function deep19() { return deepApi(); }
function deepApi() {
  const r = express.Router();
  r.get('/deep', (req, res) => res.end()); // want: GET /deep [] #unmounted
  return r;
}
app.use('/v2', deep0());
app.get('/health', (req, res) => res.send('ok')); // want: GET /health []
