import { Router } from 'express';
import basicAuth from 'express-basic-auth';
import agendash from 'agendash';
import swaggerUi from 'swagger-ui-express';
import morgan from 'morgan';

export default (app: Router) => {
  app.use('/dash', basicAuth({ users: { admin: process.env.DASH_PASSWORD }, challenge: true }), agendash(agenda)); // want: ANY /api/dash [auth] #admin
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(spec)); // want: ANY /api/docs []
  app.use(morgan('tiny'));
};
