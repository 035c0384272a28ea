export default async function routes(fastify, options) {
  fastify.addHook('onRequest', fastify.authenticate);
  fastify.get('/', async () => []); // want: GET /v1/users/ [auth,rate-limit]
  fastify.get('/:id', { preHandler: [fastify.verifyAdmin] }, async () => ({})); // want: GET /v1/users/{id} [auth,rate-limit]
}
