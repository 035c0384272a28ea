const express = require('express');
const { getUser, listProducts } = require('./controllers/shop');
const Customer = require('./models/customer');

const app = express();

app.get('/users/:id', getUser); // want: GET /users/{id} [] #personal-record
app.get('/products', listProducts); // want: GET /products []
app.post('/customers', async (req, res) => { // want: POST /customers [] #personal-record
  res.json(await new Customer(req.body).save());
});
app.get('/roles/:id', (req, res) => res.json(UserRole.find(req.params.id))); // want: GET /roles/{id} []

app.listen(3000);
