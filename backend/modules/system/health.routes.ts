import type { HealthService } from './health.service.ts';
import { createRouter } from '../../http/state.ts';

export function createHealthRouter(health: HealthService) {
  const router = createRouter();
  const handler = async (ctx: Parameters<Parameters<typeof router.get>[1]>[0]) => {
    const report = await health.check();
    ctx.status = report.status === 'down' ? 503 : 200;
    ctx.body = report;
  };
  router.get('/health', handler);
  router.get('/api/health', handler);
  return router;
}
