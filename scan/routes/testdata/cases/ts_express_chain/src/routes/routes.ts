import { Router } from 'express';
import tags from './tags';

const api = Router().use(tags).use('/v2', tags);

export default Router().use('/api', api);
