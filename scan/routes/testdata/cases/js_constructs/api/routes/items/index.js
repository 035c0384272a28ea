module.exports = async function (fastify, options) {
  fastify.route({ // want: GET /items/{prefix}/list []
    method: 'GET',
    url: options.prefix + 'list',
    handler: async () => [],
  });
  fastify.get('/:id', { onRequest: [fastify.authenticate] }, async () => ({})); // want: GET /items/{id} [auth]
};
