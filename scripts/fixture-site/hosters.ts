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
}

export function embedUrlFor(siteUrl: string, link: FixtureLink): string {
  switch (link.hoster) {
    case 'VOE': return `${siteUrl}/voe/e/${link.id}`;
    case 'Vidoza': return `${siteUrl}/vidoza/embed-${link.id}.html`;
    case 'Vidmoly': return `${siteUrl}/vidmoly/embed-${link.id}.html`;
    case 'Doodstream': return `${siteUrl}/dood/e/${link.id}`;
    case 'Filemoon': return `${siteUrl}/filemoon/e/${link.id}`;
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
  const { catalogue, siteUrl } = context;
  const path = url.pathname;
  const linkFor = (id: string) => catalogue.links.get(Number(id));
  let match: RegExpExecArray | null;

  // VOE: first a script redirect to a mirror domain, then the encoded JSON payload.
  if ((match = /^\/voe\/e\/((?:hls-|bare-)?)(\d+)$/.exec(path))) {
    if (!linkFor(match[2])) return notFound(res);
    send(res, 200, 'text/html; charset=utf-8', html(`<p>Redirecting...</p><script>window.location.href = '${siteUrl}/voe-mirror/e/${match[1]}${match[2]}';</script>`));
    return true;
  }
  if ((match = /^\/voe-mirror\/e\/((?:hls-|bare-)?)(\d+)$/.exec(path))) {
    const link = linkFor(match[2]);
    if (!link) return notFound(res);
    const id = link.id;
    let script: string;
    if (link.behaviour === 'broken') script = '<script>var player = null; // payload removed</script>';
    else if (match[1] === 'hls-') script = `<script>var sources = { 'hls': '${Buffer.from(hlsUrl(siteUrl, id)).toString('base64')}', 'video_height': 360 };</script>`;
    else if (match[1] === 'bare-') script = `<script>var player = jwplayer('vplayer'); player.setup({ file: "${hlsUrl(siteUrl, id)}" });</script>`;
    else script = `<script type="application/json">["${encodeVoePayload({ source: hlsUrl(siteUrl, id), direct_access_url: mp4Url(siteUrl, id), title: `video-${id}` })}"]</script>`;
    send(res, 200, 'text/html; charset=utf-8', html(`<div id="vplayer"></div>${script}<script src="/voe-mirror/player.js"></script>`));
    return true;
  }

  if ((match = /^\/vidoza\/embed-(\d+)\.html$/.exec(path))) {
    const link = linkFor(match[1]);
    if (!link) return notFound(res);
    const script = link.behaviour === 'broken' ? '' : `<script>var pData = { sourcesCode: [{ src: "${mp4Url(siteUrl, link.id)}", type: "video/mp4", label: "SD", res: "720" }] };</script>`;
    send(res, 200, 'text/html; charset=utf-8', html(`<video id="player"></video>${script}`));
    return true;
  }

  if ((match = /^\/vidmoly\/embed-(\d+)\.html$/.exec(path))) {
    const link = linkFor(match[1]);
    if (!link) return notFound(res);
    const script = link.behaviour === 'broken' ? '' : `<script>player.setup({ sources: [{file:"${hlsUrl(siteUrl, link.id)}"}], image: "/poster.jpg" });</script>`;
    send(res, 200, 'text/html; charset=utf-8', html(`<div id="vplayer"></div>${script}`));
    return true;
  }

  if ((match = /^\/dood\/e\/(\d+)$/.exec(path))) {
    const link = linkFor(match[1]);
    if (!link) return notFound(res);
    const hash = createHash('md5').update(String(link.id)).digest('hex');
    const script = link.behaviour === 'broken' ? '' : `<script>
$.get('/dood/pass_md5/${hash}/${link.id}', function(data) { dsplayer.src({ src: makePlay(data), type: 'video/mp4' }); });
function makePlay(a) { for (var t = '', i = 0; i < 10; i++) t += chars.charAt(Math.floor(Math.random() * chars.length)); return a + t + "?token=${doodToken(link.id)}&expiry=" + Date.now(); }
</script>`;
    send(res, 200, 'text/html; charset=utf-8', html(`<video id="video_player"></video>${script}`));
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

  if ((match = /^\/filemoon\/e\/((?:packed-)?)(\d+)$/.exec(path))) {
    const link = linkFor(match[2]);
    if (!link) return notFound(res);
    const script = link.behaviour === 'broken' ? '' : `<script type="text/javascript">${packJavaScript(`jwplayer("vplayer").setup({sources:[{file:"${hlsUrl(siteUrl, link.id)}"}],image:"/poster.jpg"});`)}</script>`;
    send(res, 200, 'text/html; charset=utf-8', html(`<div id="vplayer"></div>${script}`));
    return true;
  }
  if ((match = /^\/api\/videos\/((?:packed-)?)(\d+)(?:\/embed\/playback)?$/.exec(path))) {
    const link = linkFor(match[2]);
    // The packed- variant stands for pages from before the API existed.
    if (!link || match[1] === 'packed-' || link.behaviour === 'broken') return notFound(res);
    const playback = encryptFilemoonPlayback({ sources: [{ url: hlsUrl(siteUrl, link.id), mime_type: 'application/vnd.apple.mpegurl', height: 360 }] });
    send(res, 200, 'application/json', JSON.stringify({ playback }));
    return true;
  }
  return false;
}

function notFound(res: ServerResponse): true {
  send(res, 404, 'text/html', '<h1>File not found</h1>');
  return true;
}
