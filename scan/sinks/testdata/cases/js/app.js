const express = require('express');
const cp = require('child_process');
const { execSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const axios = require('axios');
const serialize = require('node-serialize');
const libxmljs = require('libxmljs');
const ejs = require('ejs');
const mysql = require('mysql');

const app = express();
const db = mysql.createConnection({});

app.get('/users', (req, res) => {
  const id = req.query.id;
  db.query('SELECT * FROM users WHERE id = ' + id, (err, rows) => res.json(rows)); // want "sql-string-built"
  db.query(`SELECT * FROM users WHERE name = '${req.query.name}'`); // want "sql-string-built"
  db.query('SELECT * FROM users WHERE id = ?', [id]);
  db.query(sql`SELECT * FROM users WHERE id = ${id}`);
});

app.post('/ping', (req, res) => {
  cp.exec('ping -c 1 ' + req.body.host); // want "command-injection"
  execSync(`nslookup ${req.body.host}`); // want "command-injection"
  cp.execFile('ping', ['-c', '1', req.body.host]);
  cp.exec('uptime');
  res.send('ok');
});

app.get('/file', function (req, res) {
  const name = req.params.name;
  res.sendFile(path.join(__dirname, 'files', name)); // want "path-traversal"
  res.sendFile(name, { root: path.join(__dirname, 'files') });
  fs.readFile(req.query.p, 'utf8', (err, data) => res.send(data)); // want "path-traversal"
  fs.readFileSync(path.join(__dirname, 'files', path.basename(name)));
});

app.get('/proxy', async (req, res) => {
  const { url } = req.query;
  const r = await fetch(url); // want "ssrf"
  await axios.get(req.query.target); // want "ssrf"
  await axios.get(`https://api.example.com/items/${url}`);
  res.send(await r.text());
});

app.post('/profile', (req, res) => {
  const obj = serialize.unserialize(req.cookies.profile); // want "unsafe-deserialization"
  const doc = libxmljs.parseXmlString(req.body.xml, { noent: true }); // want "xml-external-entities"
  const ok = libxmljs.parseXmlString(req.body.xml);
  res.send(ejs.render(req.body.template)); // want "template-injection"
  res.send(ejs.render('<p><%= name %></p>', { name: req.body.name }));
  const buf = Buffer.alloc(parseInt(req.query.size)); // want "request-sized-allocation"
  const v = eval(req.body.expr); // want "code-injection"
  res.json({ obj, doc, ok, buf, v });
});

app.post('/login', async (req, res) => {
  const user = await User.findOne(req.body); // want "nosql-injection"
  const same = await User.findOne({ email: String(req.body.email) });
  const q = await Allocations.find({ $where: `this.userId == ${req.params.userId}` }); // want "nosql-injection"
  const login = await User.findOne({ email: req.body.email, password: req.body.password }); // want "nosql-injection"
  const { email } = req.body;
  const again = await User.findOne({ email }); // want "nosql-injection"
  await db.reviews.update({ _id: req.body.id }, { $set: { message: req.body.message } }); // want "nosql-injection"
  await user.update({ username: req.body.username });
  const byNumber = await Reviews.find({ $where: 'this.product == ' + Number(req.params.id) });
  const me = sessions.get(req.cookies.token);
  fs.writeFileSync(`uploads/${me.id}.png`, req.body.image);
  res.json({ user, same, q, byNumber });
});

app.get('/docs/:file', ({ params }, res) => {
  const file = params.file;
  if (!file.includes('/')) {
    serve(file, res);
  }
  function serve(name, res) {
    res.sendFile(path.resolve('docs/', name)); // want "path-traversal"
  }
});

function greet(user) {
  const name = eval(user.nickname); // want "code-injection"
  setTimeout(greet, 10);
  return eval('1 + 1') + name;
}

function cleanup(dir) {
  cp.exec('rm -rf ' + dir); // want "command-injection"
}

module.exports = { app, cleanup };
