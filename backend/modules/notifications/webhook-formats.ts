import { createHmac } from 'node:crypto';
import type { WebhookKind, WebhookOptions } from './webhook.entity.ts';
import type { WebhookEvent } from './webhook.schema.ts';

/** What every kind renders from: the generic JSON payload. */
export interface WebhookPayload {
  readonly event: WebhookEvent;
  readonly timestamp: string;
  readonly instance: string;
  readonly data: Record<string, unknown>;
}

export interface HookTarget {
  readonly url: string;
  readonly kind: WebhookKind;
  readonly method: 'POST' | 'PUT';
  readonly headers: Readonly<Record<string, string>>;
  readonly secret?: string | null;
  readonly options?: WebhookOptions;
}

export interface OutgoingRequest {
  readonly url: string;
  readonly method: 'POST' | 'PUT';
  readonly headers: Record<string, string>;
  readonly body: string;
}

export const SIGNATURE_HEADER = 'X-AniWorld-Signature';

/** `sha256=<hex>` over the exact bytes sent; receivers recompute it over the raw body. */
export function sign(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Renders one event for one hook: the same facts in the receiver's own format. */
export function renderRequest(hook: HookTarget, payload: WebhookPayload, deliveryId?: number): OutgoingRequest {
  const text = describe(payload);
  const base: Record<string, string> = {
    'User-Agent': 'AniWorld-Webhook',
    'X-AniWorld-Event': payload.event,
    ...(deliveryId === undefined ? {} : { 'X-AniWorld-Delivery': String(deliveryId) }),
  };
  const json = (url: string, body: unknown): OutgoingRequest => {
    const raw = JSON.stringify(body);
    const headers: Record<string, string> = { ...base, ...hook.headers, 'Content-Type': 'application/json' };
    if (hook.secret) headers[SIGNATURE_HEADER] = sign(raw, hook.secret);
    return { url, method: hook.method, headers, body: raw };
  };
  switch (hook.kind) {
    case 'json':
      return json(hook.url, payload);
    case 'discord':
      return json(hook.url, {
        username: 'AniWorld',
        embeds: [
          {
            // Discord rejects embeds over its limits instead of cutting them.
            title: truncate(text.title, 256),
            description: truncate(text.message, 4096),
            color: text.severity === 'high' ? 0xd93f3f : 0x3b82f6,
            timestamp: payload.timestamp,
            fields: text.fields.map(([name, value]) => ({ name, value: truncate(value, 1024), inline: true })),
            footer: { text: payload.instance },
          },
        ],
      });
    case 'ntfy': {
      // JSON publishing goes to the server root with the topic in the body; this keeps
      // non-ASCII titles (series names) intact, which ntfy's header form cannot carry.
      const { root, topic } = splitNtfyUrl(hook.url);
      return json(root, {
        topic,
        title: text.title,
        message: text.message,
        priority: text.severity === 'high' ? 4 : 3,
        tags: [payload.event, ...(text.severity === 'high' ? ['warning'] : [])],
      });
    }
    case 'gotify':
      return json(gotifyMessageUrl(hook.url), {
        title: text.title,
        message: text.message,
        priority: text.severity === 'high' ? 8 : 5,
        extras: { 'aniworld::event': payload },
      });
    // The token is the target's secret: never signed into a header of ours, never shown back.
    case 'telegram':
      return {
        ...json(`${hook.url.replace(/\/+$/, '')}/bot${hook.secret ?? ''}/sendMessage`, {
          chat_id: hook.options?.chat_id,
          text: `${text.title}\n${text.message}`,
          disable_web_page_preview: true,
        }),
        headers: { ...base, 'Content-Type': 'application/json' },
      };
    case 'pushover':
      return {
        ...json(pushoverMessageUrl(hook.url), {
          token: hook.secret,
          user: hook.options?.user_key,
          title: truncate(text.title, 250),
          message: truncate(text.message, 1024),
          priority: text.severity === 'high' ? 1 : 0,
        }),
        headers: { ...base, 'Content-Type': 'application/json' },
      };
    case 'jellyfin':
    case 'emby':
    case 'plex':
      throw new Error(`${hook.kind} targets are refreshed by the media server client, not sent a message`);
  }
}

interface EventText {
  readonly title: string;
  readonly message: string;
  readonly severity: 'normal' | 'high';
  readonly fields: [string, string][];
}

function describe(payload: WebhookPayload): EventText {
  const data = payload.data;
  const series = str(data.name) ?? str(data.serie_name) ?? str(data.series_name) ?? str(data.folder) ?? str(data.key) ?? 'unknown series';
  const episode = typeof data.season === 'number' && typeof data.episode === 'number' ? ` S${pad(data.season)}E${pad(data.episode)}` : '';
  const fields: [string, string][] = [];
  if (str(data.key)) fields.push(['Key', String(data.key)]);
  if (str(data.folder)) fields.push(['Folder', String(data.folder)]);
  switch (payload.event) {
    case 'download_complete':
      return { title: `Downloaded: ${series}${episode}`, message: str(data.file_path) ?? 'The episode is in your library.', severity: 'normal', fields };
    case 'download_failed':
      return { title: `Download failed: ${series}${episode}`, message: str(data.error) ?? 'The download failed.', severity: 'high', fields };
    case 'series_added':
      return { title: `Series added: ${series}`, message: `${series} is now in your library.`, severity: 'normal', fields };
    case 'series_removed':
      return {
        title: `Series removed: ${series}`,
        message: data.files_deleted ? `${series} and its files were removed.` : `${series} was removed from the library; its files stay.`,
        severity: 'normal',
        fields,
      };
    case 'episode_upgraded':
      return {
        title: `Upgraded: ${series}${episode}`,
        message: `${series}${episode} is now in ${str(data.to_language) ?? 'the wanted language'} (was ${str(data.from_language) ?? 'another language'}).`,
        severity: 'normal',
        fields,
      };
    case 'scan_complete': {
      const counts = Object.entries(data).filter(([name, value]) => typeof value === 'number' && /missing|series|episodes|found/.test(name)) as [
        string,
        number,
      ][];
      for (const [name, value] of counts) fields.push([label(name), String(value)]);
      const missing = counts.find(([name]) => name === 'missing_episodes' || name === 'missing');
      const where = data.scope === 'series' ? `Scan of ${series}` : 'Library scan';
      return { title: `${where} complete`, message: missing ? `${missing[1]} episodes missing.` : `${where} finished.`, severity: 'normal', fields };
    }
    case 'health_issue':
      return {
        title: `Health issue: ${str(data.component) ?? 'AniWorld'}`,
        message: str(data.message) ?? 'Something needs attention.',
        severity: 'high',
        fields: [],
      };
    case 'provider_check': {
      const site = str(data.site) ?? 'The provider';
      if (data.state === 'waiting')
        return {
          title: `Provider check needs you: ${site}`,
          message: `${site} shows a check no machine could pass. Open the panel and solve it; waiting work goes on by itself.`,
          severity: 'high',
          fields: [],
        };
      return {
        title: `Provider check ${data.state === 'passed' ? 'solved' : 'given up'}: ${site}`,
        message: data.state === 'passed' ? `${site} let us through; waiting work goes on.` : `Nobody solved the check on ${site}; waiting work failed.`,
        severity: 'normal',
        fields: [],
      };
    }
    case 'test':
      return { title: 'AniWorld test notification', message: str(data.message) ?? 'If you can read this, the webhook works.', severity: 'normal', fields: [] };
  }
}

function splitNtfyUrl(url: string): { root: string; topic: string } {
  const parsed = new URL(url);
  const segments = parsed.pathname.split('/').filter(Boolean);
  const topic = segments.pop() ?? '';
  parsed.pathname = `/${segments.join('/')}`;
  return { root: parsed.toString(), topic: decodeURIComponent(topic) };
}

/** Gotify takes messages on `/message`; a hook may give just the server URL (token in the query or a header). */
function gotifyMessageUrl(url: string): string {
  const parsed = new URL(url);
  if (!/\/message\/?$/.test(parsed.pathname)) parsed.pathname = `${parsed.pathname.replace(/\/$/, '')}/message`;
  return parsed.toString();
}

/** Pushover takes messages on `/1/messages.json`; the form may give just the server. */
function pushoverMessageUrl(url: string): string {
  const parsed = new URL(url);
  if (!/\/messages\.json$/.test(parsed.pathname)) parsed.pathname = `${parsed.pathname.replace(/\/$/, '')}/1/messages.json`;
  return parsed.toString();
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

function label(name: string): string {
  const words = name.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
