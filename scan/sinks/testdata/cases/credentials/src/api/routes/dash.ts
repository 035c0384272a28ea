import { Router } from 'express';
import basicAuth from 'express-basic-auth';
import jobsUI from 'jobs-ui';
import config from '@/config';

export default (app: Router) => {
  app.use(
    '/dash',
    basicAuth({
      users: {
        [config.jobs.user]: config.jobs.password, // want "hardcoded-credential"
      },
      challenge: true,
    }),
    jobsUI(),
  );
  // A password from the environment is no literal.
  app.use('/mail', basicAuth({ users: { mail: config.mail.password } }));
};
