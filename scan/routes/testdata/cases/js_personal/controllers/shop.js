const asyncHandler = require('express-async-handler');
const User = require('../models/user');
const Product = require('../models/product');

const getUser = asyncHandler(async (req, res) => {
  res.json(await User.findById(req.params.id).select('-password'));
});

async function listProducts(req, res) {
  res.json(await Product.find({}));
}

module.exports = { getUser, listProducts };
