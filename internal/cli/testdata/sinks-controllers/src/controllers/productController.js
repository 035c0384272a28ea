import { exec } from 'child_process';
import asyncHandler from 'express-async-handler';
import Product from '../models/productModel.js';

export const listProducts = asyncHandler(async (req, res) => {
  const products = await Product.find({ $where: 'this.name == "' + req.query.name + '"' });
  res.json(products);
});

export const createProduct = asyncHandler(async (req, res) => {
  exec('convert ' + req.body.image);
  res.status(201).json({});
});

// Not a handler of any route.
export const rebuild = (req, res) => {
  exec('make ' + req.body.target);
};
