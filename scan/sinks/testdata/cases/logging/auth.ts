import { Router, Request, Response, NextFunction } from 'express';
import { celebrate, Joi } from 'celebrate';
import logger from './logger';

const route = Router();

route.post(
  '/signup',
  celebrate({ body: Joi.object({ email: Joi.string().required(), password: Joi.string().required() }) }),
  async (req: Request, res: Response, next: NextFunction) => {
    logger.debug('Calling Sign-Up endpoint with body: %o', req.body); // want "sensitive-data-logged"
    const user = await signUp(req.body);
    return res.status(201).json(user);
  },
);

route.post('/signin', async (req: Request, res: Response) => {
  const { email, password } = req.body;
  console.log(`sign-in ${email} with ${password}`); // want "sensitive-data-logged"
  console.info('password length', password.length);
  console.info('has password', { hasPassword: !!password });
  logger.info('password reset mail sent to %s', email);
  const { token } = await signIn(email, password);
  logger.debug({ token }); // want "sensitive-data-logged"
  return res.json({ token });
});

// A body logged on a route that takes no credentials is not reported.
route.post('/notes', async (req: Request, res: Response) => {
  logger.debug('note %o', req.body);
  return res.json(await saveNote(req.body));
});

// Not a handler: a CLI helper may print what it likes.
export function printConfig(password: string) {
  console.log(password);
}

export default route;
