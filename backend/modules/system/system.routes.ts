import { createRouter } from '../../http/state.ts';
import { parseInput } from '../../http/validate.ts';
import { NotFoundError } from '../../errors.ts';
import type { SettingsStore } from '../../../config/store.ts';
import type { LogService } from './logs.service.ts';
import type { DiagnosticsService } from './diagnostics.service.ts';
import type { MetricsService } from './metrics.service.ts';
import { logsQuerySchema, providerTestSchema, taskParams } from './system.schema.ts';
import type { ProviderTest } from './provider-test.ts';
import type { TaskService } from './tasks.ts';
import type { ChecklistService } from './checklist.ts';

export function createSystemRouter(services: {
  logs: LogService;
  diagnostics: DiagnosticsService;
  metrics: MetricsService;
  settings: SettingsStore;
  tasks: TaskService;
  checklist: ChecklistService;
  providerTest?: ProviderTest;
}) {
  const router = createRouter();

  router.get('/api/system/logs', async (ctx) => {
    const query = parseInput(logsQuerySchema, ctx.query, 'Query');
    ctx.body = { lines: await services.logs.tail(query) };
  });

  router.get('/api/system/tasks', async (ctx) => {
    ctx.body = { tasks: await services.tasks.list() };
  });

  // "Run now": the task's job becomes due at once; 202, since it runs in the background.
  router.post('/api/system/tasks/:name/run', async (ctx) => {
    const { name } = parseInput(taskParams, ctx.params, 'Path');
    ctx.status = 202;
    ctx.body = await services.tasks.run(name);
  });

  // The first-run checklist; closing it is a setting (onboarding.checklist_dismissed through PUT /api/config).
  router.get('/api/system/checklist', async (ctx) => {
    ctx.body = await services.checklist.current();
  });

  // One search, step by step (name, plain request, search through the check); answers 200 with each step's outcome.
  router.post('/api/system/provider-test', async (ctx) => {
    const input = parseInput(providerTestSchema, ctx.request.body, 'Body');
    if (!services.providerTest) throw new NotFoundError('This process does not talk to the provider.');
    ctx.body = await services.providerTest.run(input.query);
  });

  router.get('/api/system/diagnostics', async (ctx) => {
    const bundle = await services.diagnostics.bundle();
    const stamp = String(bundle.generated_at)
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    ctx.set('Content-Disposition', `attachment; filename="aniworld-diagnostics-${stamp}.json"`);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = bundle;
  });

  // Opt-in: a scraper needs the API key (requireAuth covers /metrics); off means not there at all.
  router.get('/metrics', async (ctx) => {
    if (!services.settings.current().metrics.enabled)
      throw new NotFoundError('Metrics are off. Enable them with ANIWORLD_METRICS=true or settings.metrics.enabled.');
    const { contentType, body } = await services.metrics.render();
    ctx.type = contentType;
    ctx.body = body;
  });

  return router;
}
