import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Catalogue, FixtureLink } from './catalogue.ts';
import { encodeVoePayload, encryptFilemoonPlayback, packJavaScript } from './hoster-payloads.ts';
import { send } from './respond.ts';

/**
 * Local embed pages for the five hosters. Each lives under its own path prefix on the fixture's
 * origin; the media they hand out is served by media.ts under /media/<kind>/<link id>/.
 */

export interface HosterContext {
  readonly catalogue: Catalogue;
  readonly siteUrl: string;
  /** An origin nothing listens on: the VOE mirror domain that is down. */
  readonly deadOrigin: string;
}

export function embedUrlFor(siteUrl: string, link: FixtureLink): string {
  switch (link.hoster) {
    case 'VOE':
      return `${siteUrl}/voe/e/${link.id}`;
    case 'Vidoza':
      return `${siteUrl}/vidoza/embed-${link.id}.html`;
    case 'Vidmoly':
      return `${siteUrl}/vidmoly/embed-${link.id}.html`;
    case 'Doodstream':
      return `${siteUrl}/dood/e/${link.id}`;
    case 'Filemoon':
      return `${siteUrl}/filemoon/e/${link.id}`;
  }
}

export function mp4Url(siteUrl: string, id: number): string {
  return `${siteUrl}/media/mp4/${id}/video.mp4`;
}

export function hlsUrl(siteUrl: string, id: number): string {
  return `${siteUrl}/media/hls/${id}/master.m3u8`;
}

export function doodToken(id: number): string {
  return createHash('sha256').update(`dood-${id}`).digest('hex').slice(0, 24);
}

function html(body: string, head = ''): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Video</title>${head}</head><body>${body}</body></html>`;
}

export async function handleHosterRequest(req: IncomingMessage, res: ServerResponse, url: URL, context: HosterContext): Promise<boolean> {
  const { catalogue, siteUrl, deadOrigin } = context;
  const path = url.pathname;
  const linkFor = (id: string) => catalogue.links.get(Number(id));
  let match: RegExpExecArray | null;

  // VOE: first a script redirect to a mirror domain, then the encoded JSON payload.
  if ((match = /^\/voe\/e\/((?:[a-z0-9]+-)?)(\d+)$/.exec(path))) {
    if (!linkFor(match[2]) || !VOE_VARIANTS.has(match[1])) return notFound(res);
    // `rotating-`: the named mirror domain is down (nothing listens there); the same path answers on our own host.
    const mirror = match[1] === 'rotating-' ? deadOrigin : siteUrl;
    send(
      res,
      200,
      'text/html; charset=utf-8',
      html(
        `<p>Redirecting...</p><script>var saved = typeof localStorage !== 'undefined' ? localStorage.getItem('token') : null; if (saved) { var next = new URL(window.location.href); next.searchParams.set('token', saved); window.location.href = next.toString(); } else { window.location.href = '${mirror}/voe-mirror/e/${match[1]}${match[2]}'; }</script>`,
      ),
    );
    return true;
  }
  if ((match = /^\/voe-mirror\/e\/((?:[a-z0-9]+-)?)(\d+)$/.exec(path))) {
    const link = linkFor(match[2]);
    if (!link || !VOE_VARIANTS.has(match[1])) return notFound(res);
    send(
      res,
      200,
      'text/html; charset=utf-8',
      html(`<div id="vplayer"></div>${voeScript(siteUrl, link, match[1])}<script src="/voe-mirror/player.js"></script>`),
    );
    return true;
  }

  if ((match = /^\/vidoza\/embed-(\d+)\.html$/.exec(path))) {
    const link = linkFor(match[1]);
    if (!link) return notFound(res);
    const script =
      link.behaviour === 'broken'
        ? ''
        : `<script>var pData = { sourcesCode: [{ src: "${mp4Url(siteUrl, link.id)}", type: "video/mp4", label: "SD", res: "720" }] };</script>`;
    send(res, 200, 'text/html; charset=utf-8', html(`<video id="player"></video>${script}`));
    return true;
  }

  if ((match = /^\/vidmoly\/embed-(\d+)\.html$/.exec(path))) {
    const link = linkFor(match[1]);
    if (!link) return notFound(res);
    const script =
      link.behaviour === 'broken' ? '' : `<script>player.setup({ sources: [{file:"${hlsUrl(siteUrl, link.id)}"}], image: "/poster.jpg" });</script>`;
    send(res, 200, 'text/html; charset=utf-8', html(`<div id="vplayer"></div>${script}`));
    return true;
  }

  if ((match = /^\/dood\/e\/((?:turnstile-)?)(\d+)$/.exec(path))) {
    const link = linkFor(match[2]);
    if (!link) return notFound(res);
    const hash = createHash('md5').update(String(link.id)).digest('hex');
    // Like the real page: an invisible Turnstile check beside the pass_md5 call; `turnstile-` pages have only the check.
    const turnstile = `<script src="https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit" async defer></script><script>function initCheck() { turnstile.render(document.body, { sitekey: "0xFIXTURE", size: "invisible", callback: function(t) { checkToken = t; } }); }</script>`;
    const script =
      link.behaviour === 'broken' || match[1] === 'turnstile-'
        ? ''
        : `<script>
$.get('/dood/pass_md5/${hash}/${link.id}', function(data) { dsplayer.src({ src: makePlay(data), type: 'video/mp4' }); });
function makePlay(a) { for (var t = '', i = 0; i < 10; i++) t += chars.charAt(Math.floor(Math.random() * chars.length)); return a + t + "?token=${doodToken(link.id)}&expiry=" + Date.now(); }
</script>`;
    send(res, 200, 'text/html; charset=utf-8', html(`<video id="video_player"></video>${turnstile}${script}`));
    return true;
  }
  if ((match = /^\/dood\/pass_md5\/[0-9a-f]+\/(\d+)$/.exec(path))) {
    const link = linkFor(match[1]);
    if (!link) return notFound(res);
    // Like the real one: no Referer, no base URL.
    if (!req.headers.referer) {
      send(res, 403, 'text/plain', 'forbidden');
      return true;
    }
    send(res, 200, 'text/plain', `${siteUrl}/media/dood/${link.id}/cdn-`);
    return true;
  }

  if ((match = /^\/filemoon\/e\/((?:packed-|v1-)?)(\d+)$/.exec(path))) {
    const link = linkFor(match[2]);
    if (!link) return notFound(res);
    const script =
      link.behaviour === 'broken'
        ? ''
        : `<script type="text/javascript">${packJavaScript(`jwplayer("vplayer").setup({sources:[{file:"${hlsUrl(siteUrl, link.id)}"}],image:"/poster.jpg"});`)}</script>`;
    send(res, 200, 'text/html; charset=utf-8', html(`<div id="vplayer"></div>${script}`));
    return true;
  }
  if ((match = /^\/api\/videos\/((?:packed-|v1-)?)(\d+)(?:\/embed\/playback)?$/.exec(path))) {
    const link = linkFor(match[2]);
    // The packed- variant stands for pages from before the API existed.
    if (!link || match[1] === 'packed-' || link.behaviour === 'broken') return notFound(res);
    // Today's answers: `payload2`/`iv2`, the lower rendition listed first. `v1-`: the first API shape (`payload`/`iv`).
    const sources = [
      { url: `${siteUrl}/media/hls/${link.id}/v0/index.m3u8`, mime_type: 'application/vnd.apple.mpegurl', height: 180, label: '180p' },
      { url: hlsUrl(siteUrl, link.id), mime_type: 'application/vnd.apple.mpegurl', height: 360, label: '360p' },
    ];
    const playback = encryptFilemoonPlayback({ sources }, match[1] === 'v1-' ? 'payload' : 'payload2');
    send(res, 200, 'application/json', JSON.stringify({ playback }));
    return true;
  }
  return false;
}

/** VOE's embed variants, by path prefix (README.md). */
const VOE_VARIANTS = new Set(['', 'hls-', 'bare-', 'a168c-', 'mp4-', 'refused-', 'rotating-']);

function voeScript(siteUrl: string, link: FixtureLink, variant: string): string {
  const id = link.id;
  if (link.behaviour === 'broken') return '<script>var player = null; // payload removed</script>';
  // As on the real page, a decoy `source` variable that is not the video sits before the payload.
  const decoy = `<script>var source='${siteUrl}/media/decoy/${id}.mp4';</script>`;
  switch (variant) {
    case 'hls-':
      return `<script>var sources = { 'hls': '${Buffer.from(hlsUrl(siteUrl, id)).toString('base64')}', 'video_height': 360 };</script>`;
    case 'bare-':
      return `<script>var player = jwplayer('vplayer'); player.setup({ file: "${hlsUrl(siteUrl, id)}" });</script>`;
    case 'a168c-':
      return `${decoy}<script>var a168c='${encodeVoePayload({ source: hlsUrl(siteUrl, id), direct_access_url: mp4Url(siteUrl, id), direct_access_allowed: false })}'; player.load(a168c);</script>`;
    // Only an MP4, and it may be used.
    case 'mp4-':
      return `<script type="application/json">["${encodeVoePayload({ direct_access_url: mp4Url(siteUrl, id), direct_access_allowed: true, title: `video-${id}` })}"]</script>`;
    // Only an MP4 that may not be used.
    case 'refused-':
      return `<script type="application/json">["${encodeVoePayload({ direct_access_url: mp4Url(siteUrl, id), direct_access_allowed: false, title: `video-${id}` })}"]</script>`;
    // The real shape: the HLS master as `source`, and a lower-rendition MP4 that is not allowed.
    default:
      return `${decoy}<script type="application/json">["${encodeVoePayload({ file_code: `video${id}`, source: hlsUrl(siteUrl, id), fallback: [], direct_access_allowed: false, direct_access_url: mp4Url(siteUrl, id), title: `video-${id}` })}"]</script>`;
  }
}

function notFound(res: ServerResponse): true {
  send(res, 404, 'text/html', '<h1>File not found</h1>');
  return true;
}
