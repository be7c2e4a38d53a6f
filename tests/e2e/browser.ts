import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(import.meta.dirname, '..', '..');

/** The system Chromium (Debian package), headless, with a throw-away profile. No browser download. */
export async function launchBrowser(
  options: { width?: number; height?: number; locale?: string } = {},
): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}. The browser tests drive the system Chromium: run scripts/install-system-deps.sh (as root) and try again.`,
    );
  }
  const profile = await mkdtemp(join(tmpdir(), 'aniworld-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: options.width ?? 1280, height: options.height ?? 860 },
    colorScheme: 'light',
    // The browser's language decides the panel's; tests say which one they read.
    locale: options.locale ?? 'en-US',
    reducedMotion: 'reduce',
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** The server serves panel/dist: build it when a source file is newer than the last build. */
export async function ensurePanelBuilt(): Promise<void> {
  await promisify(execFile)(process.execPath, [join(ROOT, 'scripts', 'build-panel.mjs'), '--if-stale'], { cwd: ROOT });
}

/** Signs the page in the way "Remember me" stores a session, before any of the panel's code runs. */
export async function signIn(page: Page, token: string): Promise<void> {
  await page.addInitScript(
    (session) => localStorage.setItem('aniworld.session', session),
    JSON.stringify({ token, expiresAt: new Date(Date.now() + 3600_000).toISOString() }),
  );
}
