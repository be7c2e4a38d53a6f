import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { send } from './respond.ts';

/**
 * Guard mode: the fixture's stand-in for the anti-bot check in front of the real site. Every
 * provider page (not hosters, not media) answers 403 "Just a moment..." until the client shows a
 * pass cookie. The page's script asks for a puzzle, does a small SHA-256 proof of work and posts
 * the answer with what it sees of the browser (navigator.webdriver, window frame, whether the
 * click was trusted); the answer sets an HttpOnly pass cookie bound to the User-Agent that asked.
 *
 * Modes: `js` (the script alone passes), `click` (a checkbox must get a trusted click first),
 * `headed` (like js, but a window without a browser frame, as headless Chromium has, is refused),
 * `captcha` ("type the characters" shown in a picture: no script of ours passes it, a person
 * does; `stats.lastCaptcha` tells a test what a person would read).
 * Always refused: a User-Agent naming HeadlessChrome and navigator.webdriver = true.
 * `browserOnly` also wants the request headers only Chromium sends (Sec-CH-UA client hints): plain HTTP is
 * then refused even with a valid pass, as sites that look at more than cookies do.
 */

export type GuardMode = 'off' | 'js' | 'click' | 'headed' | 'captcha';

export interface GuardControls {
  mode: GuardMode;
  /** Lifetime of a pass (cookie Max-Age and server-side expiry). */
  passTtlMs: number;
  /** Leading zero hex digits the proof of work needs (3 = about 4096 hashes). */
  difficulty: number;
  browserOnly: boolean;
}

export interface GuardStats {
  /** Check pages served (403 "Just a moment..."). */
  challenges: number;
  /** Puzzles handed out. */
  puzzles: number;
  /** Passes issued. */
  passes: number;
  /** Answers refused, with the reason. */
  refusals: string[];
  /** The characters of the last captcha handed out (captcha mode). */
  lastCaptcha: string | undefined;
  reset(): void;
}

export interface FixtureGuard {
  readonly controls: GuardControls;
  readonly stats: GuardStats;
  /** Every pass issued so far stops working (as if it had expired). */
  expirePasses(): void;
}

const PASS_COOKIE = 'aw_pass';
const GUARDED = /^\/(?:$|ajax\/|anime\/|redirect\/)/;

export function createGuard(
  initial: Partial<GuardControls> = {},
): FixtureGuard & { handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> } {
  const secret = randomBytes(32);
  const controls: GuardControls = { mode: 'off', passTtlMs: 10 * 60_000, difficulty: 3, browserOnly: false, ...initial };
  let epoch = 0;
  const captchas = new Map<string, string>();
  const stats: GuardStats = {
    challenges: 0,
    puzzles: 0,
    passes: 0,
    refusals: [],
    lastCaptcha: undefined,
    reset() {
      this.challenges = 0;
      this.puzzles = 0;
      this.passes = 0;
      this.refusals.length = 0;
      this.lastCaptcha = undefined;
    },
  };
  const sign = (text: string) => createHmac('sha256', secret).update(text).digest('base64url');
  const userAgent = (req: IncomingMessage) => String(req.headers['user-agent'] ?? '');

  function validPass(req: IncomingMessage): boolean {
    const value = cookie(req, PASS_COOKIE);
    if (!value) return false;
    const [passEpoch, expires, signature] = value.split('.');
    if (Number(passEpoch) !== epoch || !(Number(expires) > Date.now())) return false;
    return same(signature ?? '', sign(`${passEpoch}.${expires}.${userAgent(req)}`));
  }

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (controls.mode === 'off') return false;
    if (url.pathname === '/__guard/puzzle' && req.method === 'GET') {
      stats.puzzles++;
      const salt = randomBytes(12).toString('base64url');
      const nonce = `${salt}.${sign(`${salt}.${userAgent(req)}`)}`;
      if (controls.mode !== 'captcha') {
        send(res, 200, 'application/json', JSON.stringify({ nonce, difficulty: controls.difficulty }));
        return true;
      }
      const code = Array.from(randomBytes(5), (byte) => 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'[byte % 32]).join('');
      captchas.set(nonce, code);
      stats.lastCaptcha = code;
      send(res, 200, 'application/json', JSON.stringify({ nonce, difficulty: controls.difficulty, image: captchaImage(code) }));
      return true;
    }
    if (url.pathname === '/__guard/verify' && req.method === 'POST') {
      const refusal = refuse(req, await readJson(req));
      if (refusal) {
        stats.refusals.push(refusal);
        send(res, 403, 'text/plain; charset=utf-8', refusal);
        return true;
      }
      stats.passes++;
      const expires = Date.now() + controls.passTtlMs;
      const value = `${epoch}.${expires}.${sign(`${epoch}.${expires}.${userAgent(req)}`)}`;
      res.writeHead(204, { 'set-cookie': `${PASS_COOKIE}=${value}; Path=/; Max-Age=${Math.ceil(controls.passTtlMs / 1000)}; HttpOnly; SameSite=Lax` });
      res.end();
      return true;
    }
    if (!GUARDED.test(url.pathname)) return false;
    if (validPass(req) && !/HeadlessChrome/i.test(userAgent(req)) && (!controls.browserOnly || req.headers['sec-ch-ua'])) return false;
    stats.challenges++;
    send(res, 403, 'text/html; charset=utf-8', checkPage(controls.mode));
    return true;
  }

  function refuse(req: IncomingMessage, answer: Answer | undefined): string | undefined {
    if (!answer || typeof answer.nonce !== 'string') return 'no answer';
    if (/HeadlessChrome/i.test(userAgent(req))) return 'headless browser';
    const [salt, signature] = answer.nonce.split('.');
    if (!same(signature ?? '', sign(`${salt}.${userAgent(req)}`))) return 'puzzle was issued to another browser';
    const digest = createHash('sha256').update(`${answer.nonce}${answer.answer}`).digest('hex');
    if (!digest.startsWith('0'.repeat(controls.difficulty))) return 'wrong proof of work';
    if (answer.signals?.webdriver !== false) return 'automation detected (navigator.webdriver)';
    if (controls.mode === 'click' && answer.signals?.trusted !== true) return 'the checkbox was not clicked by a person';
    if (controls.mode === 'captcha') {
      const code = captchas.get(answer.nonce);
      captchas.delete(answer.nonce);
      if (
        !code ||
        String(answer.code ?? '')
          .trim()
          .toUpperCase() !== code
      )
        return 'wrong characters';
    }
    const [outerWidth, outerHeight] = answer.signals?.outer ?? [0, 0];
    const [, innerHeight] = answer.signals?.inner ?? [0, 0];
    if (controls.mode === 'headed' && (!(outerWidth > 0) || outerHeight <= innerHeight)) return 'a window without a browser frame (headless)';
    return undefined;
  }

  return {
    controls,
    stats,
    expirePasses: () => {
      epoch++;
    },
    handle,
  };
}

interface Answer {
  nonce?: unknown;
  answer?: unknown;
  code?: unknown;
  signals?: { webdriver?: unknown; trusted?: unknown; outer?: [number, number]; inner?: [number, number] };
}

/** The check page: the same markers real checks carry ("Just a moment...", a challenge stage, a Turnstile-like box). */
function checkPage(mode: GuardMode): string {
  const box =
    mode === 'click'
      ? '<div class="cf-turnstile" id="aw-check" style="width:300px;height:65px;border:1px solid #ccc;display:flex;align-items:center;padding:0 12px"><label><input type="checkbox" id="aw-box" style="width:24px;height:24px"> Bestätigen Sie, dass Sie ein Mensch sind</label></div>'
      : mode === 'captcha'
        ? '<form id="aw-captcha" class="captcha"><img id="aw-picture" alt="Zeichen" width="200" height="60"><label>Zeichen eingeben <input id="aw-code" autocomplete="off"></label><button type="submit">Prüfen</button></form>'
        : '';
  return `<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Just a moment...</title></head>
<body><div id="challenge-stage"><h1>Verbindung wird überprüft</h1><p id="aw-state">Einen Moment bitte…</p>${box}</div>
<script>
(() => {
  const state = document.getElementById('aw-state');
  async function prove(trusted, given, code) {
    state.textContent = 'Prüfung läuft…';
    const puzzle = given ?? await (await fetch('/__guard/puzzle', { credentials: 'same-origin' })).json();
    const encoder = new TextEncoder();
    const zeros = '0'.repeat(puzzle.difficulty);
    let answer = 0;
    for (;; answer++) {
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(puzzle.nonce + answer)));
      const hex = Array.from(digest.slice(0, 4), (byte) => byte.toString(16).padStart(2, '0')).join('');
      if (hex.startsWith(zeros)) break;
    }
    const signals = { webdriver: navigator.webdriver === true, trusted, outer: [outerWidth, outerHeight], inner: [innerWidth, innerHeight] };
    const verdict = await fetch('/__guard/verify', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nonce: puzzle.nonce, answer, code, signals }) });
    if (verdict.ok) return location.reload();
    state.textContent = 'Zugriff verweigert: ' + (await verdict.text());
    setTimeout(() => location.reload(), 500);
  }
  const box = document.getElementById('aw-box');
  const form = document.getElementById('aw-captcha');
  if (box) box.addEventListener('click', (event) => prove(event.isTrusted), { once: true });
  else if (form) fetch('/__guard/puzzle', { credentials: 'same-origin' }).then((answer) => answer.json()).then((puzzle) => {
    document.getElementById('aw-picture').src = puzzle.image;
    form.addEventListener('submit', (event) => { event.preventDefault(); prove(true, puzzle, document.getElementById('aw-code').value); });
  });
  else prove(false);
})();
</script></body></html>`;
}

/** The characters as a slanted SVG picture: plain for a person, not text for a script that reads the page. */
function captchaImage(code: string): string {
  const letters = [...code]
    .map(
      (letter, index) =>
        `<text x="${18 + index * 34}" y="${38 + (index % 2) * 8}" transform="rotate(${(index % 3) * 9 - 9} ${18 + index * 34} 38)" font-size="30" font-family="monospace" fill="#334">${letter}</text>`,
    )
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60"><rect width="200" height="60" fill="#eef"/><path d="M0 30 Q50 5 100 30 T200 30" stroke="#99a" fill="none"/>${letters}</svg>`;
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

async function readJson(req: IncomingMessage): Promise<Answer | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Answer;
  } catch {
    return undefined;
  }
}
