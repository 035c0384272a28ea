const express = require('express');

// Nothing requires this file: its routes are never served.
const router = express.Router();

router.post('/reset', (req, res) => res.sendStatus(204)); // want: POST /reset [] #unmounted

module.exports = router;
