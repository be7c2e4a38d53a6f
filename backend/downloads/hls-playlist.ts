import { permanent } from './errors.ts';

export interface HlsVariant {
  readonly url: string;
  readonly bandwidth: number;
  readonly pixels: number;
}

export interface HlsKey {
  readonly uri: string;
  /** From the playlist; null means "the segment's media sequence number". */
  readonly iv: Buffer | null;
}

export interface HlsByteRange {
  readonly offset: number;
  readonly length: number;
}

export interface HlsSegment {
  readonly url: string;
  readonly duration: number;
  readonly sequence: number;
  readonly key: HlsKey | null;
  readonly byteRange: HlsByteRange | null;
}

export interface HlsMediaPlaylist {
  readonly segments: readonly HlsSegment[];
  /** fMP4 streams start with an init section (EXT-X-MAP). */
  readonly init: { readonly url: string; readonly byteRange: HlsByteRange | null } | null;
  readonly duration: number;
}

export function isMasterPlaylist(text: string): boolean {
  return /#EXT-X-STREAM-INF/i.test(text);
}

/** The variants of a master playlist, absolute URLs. */
export function parseMaster(text: string, baseUrl: string): HlsVariant[] {
  const lines = playlistLines(text);
  const variants: HlsVariant[] = [];
  for (let index = 0; index < lines.length; index++) {
    if (!lines[index].startsWith('#EXT-X-STREAM-INF:')) continue;
    const attributes = parseAttributes(lines[index].slice('#EXT-X-STREAM-INF:'.length));
    const uri = lines.slice(index + 1).find((line) => !line.startsWith('#'));
    if (!uri) continue;
    const [width, height] = (attributes.RESOLUTION ?? '').split('x').map(Number);
    variants.push({
      url: new URL(uri, baseUrl).href,
      bandwidth: Number(attributes['AVERAGE-BANDWIDTH'] ?? attributes.BANDWIDTH ?? 0) || 0,
      pixels: width && height ? width * height : 0,
    });
  }
  return variants;
}

/** Highest resolution first, then highest bandwidth. */
export function pickBestVariant(variants: readonly HlsVariant[]): HlsVariant | undefined {
  return [...variants].sort((a, b) => b.pixels - a.pixels || b.bandwidth - a.bandwidth)[0];
}

export function parseMedia(text: string, baseUrl: string): HlsMediaPlaylist {
  const lines = playlistLines(text);
  if (lines[0] !== '#EXTM3U') throw permanent('The hoster did not send an HLS playlist');
  const segments: HlsSegment[] = [];
  let sequence = 0;
  let duration = 0;
  let key: HlsKey | null = null;
  let init: HlsMediaPlaylist['init'] = null;
  let pendingDuration = 0;
  let pendingRange: HlsByteRange | null = null;
  let lastRangeEnd = 0;
  for (const line of lines) {
    if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) sequence = Number(line.split(':')[1]) || 0;
    else if (line.startsWith('#EXTINF:')) pendingDuration = Number.parseFloat(line.slice(8)) || 0;
    else if (line.startsWith('#EXT-X-BYTERANGE:')) pendingRange = parseByteRange(line.slice(17), lastRangeEnd);
    else if (line.startsWith('#EXT-X-KEY:')) key = parseKey(parseAttributes(line.slice(11)), baseUrl);
    else if (line.startsWith('#EXT-X-MAP:')) {
      const attributes = parseAttributes(line.slice(11));
      if (!attributes.URI) throw permanent('The HLS playlist has an init section without a URI');
      init = { url: new URL(attributes.URI, baseUrl).href, byteRange: attributes.BYTERANGE ? parseByteRange(attributes.BYTERANGE, 0) : null };
    } else if (!line.startsWith('#')) {
      segments.push({ url: new URL(line, baseUrl).href, duration: pendingDuration, sequence: sequence + segments.length, key, byteRange: pendingRange });
      duration += pendingDuration;
      if (pendingRange) lastRangeEnd = pendingRange.offset + pendingRange.length;
      pendingDuration = 0;
      pendingRange = null;
    }
  }
  if (segments.length === 0) throw permanent('The HLS playlist lists no segments');
  return { segments, init, duration };
}

function parseKey(attributes: Record<string, string>, baseUrl: string): HlsKey | null {
  const method = (attributes.METHOD ?? 'NONE').toUpperCase();
  if (method === 'NONE') return null;
  if (method !== 'AES-128' || !attributes.URI) throw permanent(`The stream is encrypted with ${method}, which AniWorld cannot read`);
  const iv = attributes.IV ? Buffer.from(attributes.IV.replace(/^0x/i, '').padStart(32, '0'), 'hex') : null;
  return { uri: new URL(attributes.URI, baseUrl).href, iv };
}

function parseByteRange(raw: string, previousEnd: number): HlsByteRange {
  const [length, offset] = raw.replace(/"/g, '').split('@');
  return { length: Number(length), offset: offset !== undefined ? Number(offset) : previousEnd };
}

function playlistLines(text: string): string[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

/** `KEY=value,KEY="quoted, value"` */
export function parseAttributes(raw: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of raw.matchAll(/([A-Z0-9-]+)=("[^"]*"|[^,]*)/gi)) {
    attributes[match[1].toUpperCase()] = match[2].replace(/^"|"$/g, '');
  }
  return attributes;
}
