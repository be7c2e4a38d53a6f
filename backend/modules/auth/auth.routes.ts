import type { AuthService } from './auth.service.ts';
import { changePasswordSchema, loginSchema, setupSchema } from './auth.schema.ts';
import { parseInput } from '../../http/validate.ts';
import { createRouter } from '../../http/state.ts';

export function createAuthRouter(auth: AuthService) {
  const router = createRouter('/api/auth');

  router.post('/setup', async (ctx) => {
    const input = parseInput(setupSchema, ctx.request.body);
    ctx.status = 201;
    ctx.body = await auth.setup(input);
  });

  router.post('/login', async (ctx) => {
    const input = parseInput(loginSchema, ctx.request.body);
    ctx.body = await auth.login(input, { address: ctx.ip, userAgent: ctx.get('User-Agent') || undefined });
  });

  router.post('/logout', async (ctx) => {
    await auth.logout(ctx.state.principal);
    ctx.body = { success: true };
  });

  router.get('/status', async (ctx) => {
    ctx.body = await auth.status(ctx.state.principal);
  });

  router.post('/password', async (ctx) => {
    const input = parseInput(changePasswordSchema, ctx.request.body);
    await auth.changePassword(input, ctx.state.principal);
    ctx.body = { success: true };
  });

  router.get('/api-key', async (ctx) => {
    ctx.body = await auth.apiKeyInfo();
  });

  router.post('/api-key', async (ctx) => {
    ctx.status = 201;
    ctx.body = await auth.rotateApiKey();
  });

  router.delete('/api-key', async (ctx) => {
    await auth.revokeApiKey();
    ctx.status = 204;
  });

  return router;
}
