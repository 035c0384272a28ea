const path = require('path');
const fastify = require('fastify')();
const autoLoad = require('@fastify/autoload');

fastify.register(autoLoad, { dir: path.join(__dirname, 'routes') });
fastify.listen({ port: 3000 });
