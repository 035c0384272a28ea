const express = require('express');
const users = require('./routes/users');
const app = express();
app.get('/users/:id', users.showUser);
app.post(
  '/run',
  (req, res) => {
    require('child_process').exec('ls ' + req.body.dir);
  }
);
app.listen(3000);
