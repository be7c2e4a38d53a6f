import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { inContext } from '../../backend/db/context.ts';
import { Credential } from '../../backend/modules/auth/credential.entity.ts';
import { Webhook } from '../../backend/modules/notifications/webhook.entity.ts';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { sampleProgress, samples } from '../helpers/event-samples.ts';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.dispose();
  app = undefined;
});

describe('system: logs', () => {
  it('writes every log line to <data>/logs/aniworld.log and tails it with a level filter', async () => {
    app = await startTestApp();
    const token = await app.login();
    app.running.logger.warn({ component: 'test' }, 'something to look at');
    app.running.logger.info({ component: 'test' }, 'routine');

    const file = join(app.dataDir, 'logs', 'aniworld.log');
    const lines = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.some((line) => line.msg === 'AniWorld is ready')).toBe(true);
    expect(lines.length).toBeGreaterThanOrEqual(app.logs.length - 1);

    const warnings = await app.request('GET', '/api/system/logs?lines=50&level=warn', { token });
    expect(warnings.status).toBe(200);
    expect(warnings.body.lines.map((line: { msg: string }) => line.msg)).toContain('something to look at');
    expect(warnings.body.lines.every((line: { level: string }) => ['warn', 'error', 'fatal'].includes(line.level))).toBe(true);

    const last = await app.request('GET', '/api/system/logs?lines=2', { token });
    expect(last.body.lines).toHaveLength(2);
    expect(last.body.lines[1].msg).toBe('request');

    expect((await app.request('GET', '/api/system/logs?lines=0', { token })).status).toBe(422);
    expect((await app.request('GET', '/api/system/logs?level=loud', { token })).status).toBe(422);
    expect((await app.request('GET', '/api/system/logs')).status).toBe(401);
  });

  it('a line logged after shutdown does not create the log folder again', async () => {
    app = await startTestApp();
    const logs = join(app.dataDir, 'logs');
    await app.stop();
    await rm(logs, { recursive: true });
    app.running.logger.error({ component: 'test' }, 'late line');
    await expect(stat(logs)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(app.logs.at(-1)).toMatchObject({ msg: 'late line' });
  });
});

describe('system: scheduled tasks', () => {
  it('lists the recurring jobs with their next run, without one-off runs', async () => {
    app = await startTestApp();
    const token = await app.login();
    await app.running.services.jobs.enqueue('refresh-series', { key: 'one-off' }, { runAt: new Date(Date.now() + 3600_000) });
    let tasks: { name: string; state: string; next_run_at: string | null }[] = [];
    // Schedules are installed before start-up finishes, but the first-start rescan runs at once,
    // and a running job is no scheduled task: wait until it is done (however long that takes here).
    await expect
      .poll(
        async () => {
          tasks = (await app!.request('GET', '/api/system/tasks', { token })).body.tasks;
          return tasks.map((task) => `${task.name}:${task.state}`).sort();
        },
        { timeout: 30_000 },
      )
      .toEqual(['prune-activity:repeating', 'prune-sessions:repeating', 'refresh-series:repeating', 'rescan-library:repeating']);
    for (const task of tasks) {
      expect(task.state).toBe('repeating');
      expect(Date.parse(task.next_run_at!)).not.toBeNaN();
    }
    expect((await app.request('GET', '/api/system/tasks')).status).toBe(401);
  });
});

describe('system: run a scheduled task now', () => {
  it('starts the real job through the job runner, then shows its last run and the next one after it', async () => {
    app = await startTestApp();
    const token = await app.login();
    type Task = { name: string; state: string; running: boolean; next_run_at: string | null; last_run_at: string | null };
    const task = async (name: string) =>
      ((await app!.request('GET', '/api/system/tasks', { token })).body.tasks as Task[]).find((entry) => entry.name === name)!;
    // The first start's rescan runs at once: wait until it is done.
    await expect.poll(async () => (await task('rescan-library')).state, { timeout: 30_000 }).toBe('repeating');
    const before = await task('rescan-library');

    const completed = new Promise<void>((resolve) => {
      const stop = app!.running.services.events.subscribe((event) => {
        if (event.type === 'scan_complete' && (event.data as { scope?: string }).scope === 'library') {
          stop();
          resolve();
        }
      });
    });
    const started = Date.now();
    const answer = await app.request('POST', '/api/system/tasks/rescan-library/run', { token });
    expect(answer.status).toBe(202);
    expect(answer.body.name).toBe('rescan-library');
    await completed;
    const after = await expect
      .poll(async () => (await task('rescan-library')).state, { timeout: 30_000 })
      .toBe('repeating')
      .then(() => task('rescan-library'));
    expect(Date.parse(after.last_run_at!)).toBeGreaterThanOrEqual(started - 1000);
    expect(after.last_run_at).not.toBe(before.last_run_at);
    // The interval (6 hours by default) counts from this run.
    expect(Date.parse(after.next_run_at!) - Date.parse(after.last_run_at!)).toBeGreaterThan(5.9 * 3600_000);

    expect((await app.request('POST', '/api/system/tasks/no-such-task/run', { token })).status).toBe(404);
    expect((await app.request('POST', '/api/system/tasks/Bad_Name/run', { token })).status).toBe(422);
    expect((await app.request('POST', '/api/system/tasks/rescan-library/run')).status).toBe(401);
  }, 90_000);

  it('runs a task whose schedule is off as a one-time job', async () => {
    app = await startTestApp({ env: { ANIWORLD_RESCAN_INTERVAL_HOURS: '0' } });
    const token = await app.login();
    const listed = (await app.request('GET', '/api/system/tasks', { token })).body.tasks.find((entry: { name: string }) => entry.name === 'rescan-library');
    expect(listed).toMatchObject({ state: 'off', next_run_at: null });
    const completed = new Promise<void>((resolve) => {
      const stop = app!.running.services.events.subscribe((event) => {
        if (event.type === 'scan_complete') {
          stop();
          resolve();
        }
      });
    });
    expect((await app.request('POST', '/api/system/tasks/rescan-library/run', { token })).status).toBe(202);
    await completed;
  }, 90_000);
});

describe('system: diagnostics', () => {
  it('is a downloadable JSON bundle without any secret', async () => {
    app = await startTestApp({ env: { MONGODB_URL: 'mongodb://admin:hunter2hunter2@db.example:27017/aniworld' } });
    const token = await app.login();
    const apiKey = (await app.request('POST', '/api/auth/api-key', { token })).body.api_key as string;
    expect(apiKey).toMatch(/^aw_/);
    const webhookSecret = 'whsec-very-secret-value';
    const discordUrl = 'https://discord.com/api/webhooks/123456/TOKENabcdefghijklmnop';
    await inContext(app.running.orm, async () => {
      app!.running.orm.em.create(Webhook, {
        id: 'hook-1',
        name: 'discord',
        url: discordUrl,
        kind: 'discord',
        events: ['download_complete'],
        secret: webhookSecret,
        headers: { Authorization: 'Bearer gotify-token-123456' },
      });
      await app!.running.orm.em.flush();
    });
    // Secrets that slipped into free text must be cut too.
    app.running.logger.warn(`calling ${discordUrl} with token ${token} and key ${apiKey}`);

    const response = await app.request('GET', '/api/system/diagnostics', { token });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="aniworld-diagnostics-\d{8}T\d{6}Z\.json"$/);
    const bundle = response.body;
    expect(bundle.version).toBe(app.running.config.version);
    expect(bundle.environment.node).toBe(process.version);
    expect(bundle.health.status).toBeDefined();
    expect(bundle.storage.data_dir.path).toBe(app.dataDir);
    expect(bundle.logs.length).toBeGreaterThan(5);
    expect(bundle.data_dir.map((entry: { name: string }) => entry.name)).toContain('secret.key');

    const text = JSON.stringify(bundle);
    const secretKey = (await readFile(join(app.dataDir, 'secret.key'), 'utf8')).trim();
    const credential = await inContext(app.running.orm, () => app!.running.orm.em.findOneOrFail(Credential, { id: 1 }));
    const forbidden = {
      secretKey,
      passwordHash: credential.passwordHash,
      apiKeyHash: credential.apiKeyHash!,
      apiKey,
      token,
      webhookSecret,
      discordUrl,
      discordToken: 'TOKENabcdefghijklmnop',
      gotify: 'gotify-token-123456',
      mongoPassword: 'hunter2hunter2',
      password: TEST_PASSWORD,
    };
    for (const [name, value] of Object.entries(forbidden)) expect(text.includes(value), `${name} leaked`).toBe(false);
    expect(text).toContain('[redacted]');
  });
});

describe('system: metrics', () => {
  it('is absent unless enabled', async () => {
    app = await startTestApp();
    const token = await app.login();
    expect((await app.request('GET', '/metrics', { token })).status).toBe(404);
  });

  it('needs credentials, takes the API key as X-Api-Key or Bearer, and counts domain events', async () => {
    app = await startTestApp({ env: { ANIWORLD_METRICS: 'true' } });
    const token = await app.login();
    const apiKey = (await app.request('POST', '/api/auth/api-key', { token })).body.api_key as string;
    expect((await app.request('GET', '/metrics')).status).toBe(401);

    const events = app.running.services.events;
    events.publish('download_progress', { ...samples.download_progress, item_id: 'a', progress: sampleProgress(50, 2000) });
    events.publish('download_progress', { ...samples.download_progress, item_id: 'a', progress: sampleProgress(100, 2000) });
    events.publish('download_complete', { ...samples.download_complete, item_id: 'a' });
    events.publish('download_failed', { ...samples.download_failed, item_id: 'b', episode: 2 });
    events.publish('scan_started', { scope: 'library' });
    events.publish('scan_complete', samples.scan_complete);
    events.publish('health_issue', samples.health_issue);
    app.running.services.metrics.gauge('test_items', 'A gauge another service registers.', () => [{ labels: { status: 'pending' }, value: 3 }]);
    app.running.services.metrics.gauge('test_broken', 'A reader that fails drops only itself.', () => {
      throw new Error('nope');
    });
    // The provider (a closed port here) fails: counted through the HTTP client's fetch.
    expect((await app.request('POST', '/api/anime/search', { token, body: { query: 'naruto' } })).status).toBeGreaterThanOrEqual(500);

    const viaHeader = await app.request('GET', '/metrics', { apiKey });
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const body = viaHeader.body as string;
    expect(body).toContain(`aniworld_info{version="${app.running.config.version}"} 1`);
    expect(body).toContain('aniworld_download_bytes_total 2000');
    expect(body).toContain('aniworld_downloads_completed_total 1');
    expect(body).toContain('aniworld_downloads_failed_total 1');
    // The app's own start-up scan may have finished too: at least ours.
    expect(body).toMatch(/aniworld_scans_total\{scope="library",result="ok"\} [1-9]/);
    expect(body).toMatch(/aniworld_scan_duration_seconds_count\{scope="library"\} [1-9]/);
    expect(body).toMatch(/aniworld_scan_duration_seconds_sum\{scope="library"\} \d/);
    // Ours, and the one provider health raised when the search found the provider down.
    expect(body).toContain('aniworld_provider_errors_total{component="provider",reason="health_issue"} 2');
    expect(body).toContain('test_items{status="pending"} 3');
    expect(body).not.toContain('test_broken');
    expect(body).toContain('aniworld_queue_items{status="pending"} 0');
    expect(body).toMatch(/aniworld_provider_errors_total\{component="provider",reason="network"\} [1-9]/);
    // Through prom-client: the standard process metrics, the names dashboards expect, histograms for durations.
    expect(body).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(body).toMatch(/^process_resident_memory_bytes \d/m);
    expect(body).toMatch(/^nodejs_eventloop_lag_p99_seconds \d/m);
    expect(body).toContain('aniworld_downloads_total{result="completed"} 1');
    expect(body).toContain('aniworld_downloads_total{result="failed"} 1');
    expect(body).toContain('# TYPE aniworld_download_duration_seconds histogram');
    expect(body).toContain('aniworld_download_duration_seconds_count 1');
    expect(body).toMatch(/aniworld_download_duration_seconds_bucket\{le="\+Inf"\} 1/);
    expect(body).toContain('# TYPE aniworld_scan_duration_seconds histogram');
    // The route label is the router's pattern, not the path that was asked for.
    expect(body).toContain('# TYPE http_request_duration_seconds histogram');
    expect(body).toMatch(/http_request_duration_seconds_count\{method="POST",route="\/api\/anime\/search",status="5\d\d"\} 1/);
    // Refused before routing (no credentials): no route matched.
    expect(body).toMatch(/http_request_duration_seconds_count\{method="GET",route="unmatched",status="401"\} 1/);
    await app.request('GET', '/api/anime/some-key-nobody-has', { token });
    const again = (await app.request('GET', '/metrics', { apiKey })).body as string;
    expect(again).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/anime\/:key",status="404"\} 1/);
    expect(again).not.toContain('some-key-nobody-has');

    expect((await app.request('GET', '/metrics', { headers: { authorization: `Bearer ${apiKey}` } })).status).toBe(200);
    expect((await app.request('GET', '/metrics', { headers: { authorization: 'Bearer aw_wrong' } })).status).toBe(401);
  });
});

describe('system: storage and health', () => {
  it('reports what the data and media folders live on', async () => {
    app = await startTestApp();
    const health = await app.request('GET', '/api/health');
    expect(health.body.storage.status).toMatch(/ok|degraded/);
    expect(health.body.storage).toHaveProperty('data_network');
    expect(Array.isArray(health.body.storage.warnings)).toBe(true);
  });

  it('creates secret.key 0600 and the log file without group/other write', async () => {
    app = await startTestApp();
    expect((await stat(join(app.dataDir, 'secret.key'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(app.dataDir, 'logs', 'aniworld.log'))).mode & 0o022).toBe(0);
  });
});

describe('system: ANIWORLD_BASE_PATH', () => {
  it('serves every route and the WebSocket under the prefix, and still answers without it', async () => {
    app = await startTestApp({ env: { ANIWORLD_BASE_PATH: '/aniworld' } });
    expect((await app.request('GET', '/aniworld/api/health')).status).toBe(200);
    expect((await app.request('GET', '/aniworld/health')).status).toBe(200);
    expect((await app.request('GET', '/health')).status).toBe(200);
    expect((await app.request('GET', '/aniworld/api/auth/status')).body).toEqual({
      configured: false,
      authenticated: false,
      media_folder: { path: app.mediaDir, set_by_env: true },
    });
    const panel = await fetch(`${app.url}/aniworld/`);
    // The panel is built by npm install; when it is there, its index carries the base.
    if (panel.status === 200) expect(await panel.text()).toContain('<base href="/aniworld/">');
    else expect(panel.status).toBe(503);
    const token = await app.login();

    const socket = new WebSocket(`${app.url.replace('http', 'ws')}/aniworld/ws/connect?token=${token}`);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    socket.close();
  });
});

describe('system: first-run checklist', () => {
  it('reports each item from the real parts and stays dismissed once closed', async () => {
    app = await startTestApp();
    const token = await app.login();
    const checklist = async () =>
      (await app!.request('GET', '/api/system/checklist', { token })).body as {
        dismissed: boolean;
        complete: boolean;
        items: { id: string; done: boolean; detail: string | null }[];
      };
    const done = async () => Object.fromEntries((await checklist()).items.map((item) => [item.id, item.done]));
    // A new install: the media folder takes files; nothing asked the provider (it is not reachable here), no language chosen, no connection.
    expect(await checklist()).toMatchObject({ dismissed: false, complete: false });
    expect(await done()).toEqual({ provider: false, media: true, languages: false, connection: false });

    expect((await app.request('PUT', '/api/config', { token, body: { downloads: { languages: ['German Sub', 'English Sub'] } } })).status).toBe(200);
    expect(
      (await app.request('POST', '/api/webhooks', { token, body: { name: 'n', url: 'http://127.0.0.1:9/hook', kind: 'json', events: ['download_complete'] } }))
        .status,
    ).toBe(201);
    expect(await done()).toEqual({ provider: false, media: true, languages: true, connection: true });
    // Test provider asks the (unreachable) provider: the item says why it is not done.
    await app.request('POST', '/api/system/provider-test', { token, body: { query: 'x' } });
    const provider = (await checklist()).items.find((item) => item.id === 'provider')!;
    expect(provider.done).toBe(false);
    expect(provider.detail).toBeTruthy();

    expect((await app.request('PUT', '/api/config', { token, body: { onboarding: { checklist_dismissed: true } } })).status).toBe(200);
    app = await app.restart();
    const again = await app.login();
    expect((await app.request('GET', '/api/system/checklist', { token: again })).body.dismissed).toBe(true);
    expect((await app.request('GET', '/api/system/checklist')).status).toBe(401);
  }, 90_000);
});
