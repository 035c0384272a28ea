export default {
  port: parseInt(process.env.PORT || '3000', 10),
  jobs: {
    user: 'jobs',
    password: 'q1w2e3', // the literal: reported where the middleware reads it
  },
  mail: {
    password: process.env.MAIL_PASSWORD,
  },
};
