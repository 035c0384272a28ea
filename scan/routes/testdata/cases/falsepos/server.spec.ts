import express from 'express';

const app = express();
app.post('/spec-only', (req, res) => res.send('x'));
