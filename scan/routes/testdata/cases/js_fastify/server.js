import Fastify from 'fastify';
import rateLimit from '@fastify/rate-limit';
import userRoutes from './routes/users.js';

const fastify = Fastify({ logger: true });

fastify.get('/health', async () => ({ ok: true })); // want: GET /health []

fastify.register(async function (instance) {
  await instance.register(rateLimit, { max: 100, timeWindow: '1 minute' });
  instance.register(userRoutes, { prefix: '/users' });
  instance.route({ // want: POST /v1/orders [rate-limit] ; PUT /v1/orders [rate-limit]
    method: ['POST', 'PUT'],
    url: '/orders',
    handler: async () => ({}),
  });
}, { prefix: '/v1' });

fastify.post('/webhooks/stripe', { config: { rateLimit: { max: 10 } } }, async (req) => { // want: POST /webhooks/stripe [rate-limit,signature]
  const event = stripe.webhooks.constructEvent(req.rawBody, req.headers['stripe-signature'], secret);
  return { received: event.id };
});

fastify.listen({ port: 3000 });
