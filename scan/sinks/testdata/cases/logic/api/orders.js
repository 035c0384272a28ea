const express = require('express');
const multer = require('multer');
const paypal = require('@paypal/checkout-server-sdk');
const Order = require('./order');
const User = require('./user');

const router = express.Router();

// The client reports the payment; nobody asks PayPal.
router.put('/orders/:id/pay', async (req, res) => {
  const order = await Order.findById(req.params.id);
  order.isPaid = true; // want "payment-unverified"
  order.paymentResult = { id: req.body.id, status: req.body.status };
  res.json(await order.save());
});

// The server captures the PayPal order before marking it paid.
router.post('/orders/:id/capture', async (req, res) => {
  const request = new paypal.orders.OrdersCaptureRequest(req.body.orderID);
  const capture = await client.execute(request);
  const order = await Order.findById(req.params.id);
  order.isPaid = capture.result.status === 'COMPLETED';
  order.status = 'paid';
  res.json(await order.save());
});

// A status update that is not a payment.
router.put('/orders/:id/ship', async (req, res) => {
  await Order.updateOne({ _id: req.params.id }, { status: 'shipped', isDelivered: true });
  res.sendStatus(204);
});

// An update written as an object.
router.post('/orders/:id/confirm', async (req, res) => {
  await Order.findByIdAndUpdate(req.params.id, { paymentStatus: 'paid', payer: req.body.payer }); // want "payment-unverified"
  res.sendStatus(204);
});

// Signs in whoever names a user id.
router.get('/magic/:uid', async (req, res) => {
  const user = await User.findById(req.params.uid);
  req.session.userId = user.id; // want "login-without-proof"
  res.redirect('/');
});

// Signs in after a password check.
router.post('/login', async (req, res) => {
  const user = await User.findOne({ email: String(req.body.email) });
  if (!user || !(await bcrypt.compare(req.body.password, user.hash))) return res.sendStatus(401);
  req.session.userId = user.id;
  res.redirect('/');
});

const upload = multer({ dest: 'uploads/' });
router.post('/avatar', upload.single('avatar'), (req, res) => res.json({ path: req.file.path })); // want "upload-no-size-limit" "upload-no-type-check"

const images = multer({ dest: 'uploads/', limits: { fileSize: 2 * 1024 * 1024 }, fileFilter: (req, file, cb) => cb(null, file.mimetype === 'image/png') });
router.post('/images', images.single('image'), (req, res) => res.json({ path: req.file.path }));

module.exports = router;
