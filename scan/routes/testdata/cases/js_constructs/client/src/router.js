// Browser code: a client-side router, not a server.
import { createRouter } from './lib';

const router = createRouter();
router.get('/dashboard', () => render('dashboard'));
router.use('/settings', () => render('settings'));

export default router;
