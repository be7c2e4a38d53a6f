import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { copies, DOCKERFILE_URL, execForm, filesLeftOutOfImage, parseDockerfile } from './dockerfile.ts';

// hadolint is not packaged for Debian; these are the rules we rely on, checked structurally.
const root = fileURLToPath(new URL('../../', import.meta.url));
const { stages } = parseDockerfile();
const runtime = stages[stages.length - 1];
const all = (stage: typeof runtime, keyword: string) => stage.instructions.filter((instruction) => instruction.keyword === keyword);
const one = (keyword: string) => {
  const found = all(runtime, keyword);
  expect(found, keyword).toHaveLength(1);
  return found[0];
};

describe('Dockerfile', () => {
  it('builds every stage from a pinned Node 24 bookworm-slim image, never latest', () => {
    expect(stages.map((stage) => stage.name)).toEqual(['build', 'deps', 'runtime']);
    for (const stage of stages) {
      expect(stage.image).toMatch(/^node:24(\.\d+){0,2}-bookworm-slim$/);
      expect(stage.image).not.toMatch(/latest/);
    }
  });

  it('ships production dependencies only and the built panel', () => {
    const deps = stages.find((stage) => stage.name === 'deps')!;
    expect(all(deps, 'RUN').some((run) => /npm ci\b.*--omit=dev/.test(run.args))).toBe(true);
    const runtimeCopies = copies(runtime);
    expect(runtimeCopies).toContainEqual({ from: 'deps', sources: ['/app/node_modules'], destination: './node_modules' });
    expect(runtimeCopies).toContainEqual({ from: 'build', sources: ['/app/panel/dist'], destination: './panel/dist' });
    expect(all(runtime, 'RUN').some((run) => /npm (ci|install)/.test(run.args))).toBe(false);
    const build = stages.find((stage) => stage.name === 'build')!;
    expect(all(build, 'RUN').some((run) => run.args.includes('npm run build:panel'))).toBe(true);
  });

  it('copies only files that exist and that .dockerignore lets through', () => {
    const ignored = readFileSync(new URL('../../.dockerignore', import.meta.url), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    for (const copy of copies(runtime).filter((entry) => !entry.from)) {
      for (const source of copy.sources) {
        expect(existsSync(`${root}${source}`), source).toBe(true);
        expect(
          ignored.some((pattern) => source === pattern || source.startsWith(`${pattern}/`)),
          `${source} is excluded by .dockerignore`,
        ).toBe(false);
      }
    }
  });

  it('copies every file that the server and the CLI import (a folder left out stops the container at start)', () => {
    const read = (path: string) => (existsSync(`${root}${path}`) ? readFileSync(`${root}${path}`, 'utf8') : undefined);
    const { reached, missing } = filesLeftOutOfImage(read, readFileSync(DOCKERFILE_URL, 'utf8'));
    expect(reached).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  });

  it('uses no ADD, pins apt to --no-install-recommends and cleans the lists', () => {
    for (const stage of stages) expect(all(stage, 'ADD'), stage.name).toHaveLength(0);
    // Two apt layers: the download pipeline, then the anti-bot solver's browser (measured apart).
    const apt = all(runtime, 'RUN').filter((run) => run.args.includes('apt-get install'));
    expect(apt).toHaveLength(2);
    for (const layer of apt) {
      expect(layer.args).toContain('--no-install-recommends');
      expect(layer.args).toMatch(/apt-get update\s.*apt-get install/);
      expect(layer.args).toContain('rm -rf /var/lib/apt/lists/*');
    }
    for (const pkg of ['ffmpeg', 'tini', 'util-linux']) expect(apt[0].args).toContain(pkg);
    for (const pkg of ['chromium xvfb', 'chromium-headless-shell']) expect(apt[1].args).toContain(pkg);
  });

  it('runs tini as PID 1 with the entrypoint, and the same exec-form command as npm start', () => {
    expect(execForm(one('ENTRYPOINT').args)).toEqual(['/usr/bin/tini', '--', '/usr/local/bin/aniworld-entrypoint']);
    const cmd = execForm(one('CMD').args);
    const start = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).scripts.start as string;
    expect(cmd).toEqual(start.split(' '));
    expect(copies(runtime)).toContainEqual({ sources: ['docker/entrypoint.sh'], destination: '/usr/local/bin/aniworld-entrypoint', from: undefined });
    expect(all(runtime, 'USER')).toHaveLength(0);
  });

  it('declares the port, volumes, environment, health check and OCI labels', () => {
    expect(one('EXPOSE').args).toBe('8000');
    expect(execForm(one('VOLUME').args)).toEqual(['/config', '/media']);
    const env = one('ENV').args;
    for (const pair of ['ANIWORLD_DATA_DIR=/config', 'ANIWORLD_MEDIA_DIR=/media', 'PORT=8000', 'PUID=99', 'PGID=100', 'UMASK=022']) expect(env).toContain(pair);
    const health = one('HEALTHCHECK').args;
    expect(health).toMatch(/^--interval=\S+ --timeout=\S+ --start-period=\S+ --retries=\d+ CMD \[/);
    const probe = execForm(health.slice(health.indexOf('CMD ') + 4))!;
    expect(probe.slice(0, 2)).toEqual(['node', '-e']);
    expect(probe[2]).toContain("'/health'");
    expect(all(runtime, 'ARG').map((arg) => arg.args)).toContain('VERSION=0.1.0');
    const labels = all(runtime, 'LABEL')
      .map((label) => label.args)
      .join(' ');
    expect(labels).toContain('org.opencontainers.image.version="${VERSION}"');
    expect(labels).toContain('org.opencontainers.image.title=');
  });

  it('has an entrypoint that is valid POSIX sh', () => {
    execFileSync('sh', ['-n', `${root}docker/entrypoint.sh`]);
  });

  // shellcheck comes with scripts/install-system-deps.sh (npm test runs it first); hadolint is not packaged for Debian.
  it('passes shellcheck, like the Docker smoke script and the podman and install scripts', () => {
    execFileSync('shellcheck', ['--shell=sh', `${root}docker/entrypoint.sh`, `${root}scripts/podman/runc-without-rlimits`]);
    execFileSync('shellcheck', [
      `${root}scripts/docker-smoke.sh`,
      `${root}scripts/install-system-deps.sh`,
      `${root}scripts/podman/base-image.sh`,
      `${root}scripts/podman/fresh-machine.sh`,
    ]);
  });
});

describe('compose.yaml', () => {
  const compose = readFileSync(new URL('../../compose.yaml', import.meta.url), 'utf8');

  it('runs the app with both volumes, the port, the permission variables and a health check', () => {
    for (const text of ['"8000:8000"', ':/config', ':/media', 'PUID:', 'PGID:', 'UMASK:', 'healthcheck:', "'/health'", 'restart: unless-stopped'])
      expect(compose).toContain(text);
  });

  it('offers MongoDB as an opt-in profile with a pinned image', () => {
    expect(compose).toMatch(/\n {2}mongo:\n {4}image: mongo:\d[\d.]*\n {4}profiles: \["mongo"\]/);
    expect(compose).toContain('JOBS_STORE:');
    expect(compose).toContain('MONGODB_URL:');
    expect(compose).not.toMatch(/image: \S+:latest/);
  });
});
