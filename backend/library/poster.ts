import { writeFileAtomic } from '../adapters/atomic-file.ts';

export const MAX_POSTER_BYTES = 5 * 1024 * 1024;

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/**
 * Downloads a cover image with a timeout and a size bound and writes it atomically.
 * Returns false (and writes nothing) when the answer is not a usable image.
 */
export async function downloadPoster(url: string, target: string, options: { fetch?: FetchLike; timeoutMs?: number; maxBytes?: number } = {}): Promise<boolean> {
  const maxBytes = options.maxBytes ?? MAX_POSTER_BYTES;
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const response = await doFetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 15_000), redirect: 'follow' });
  if (!response.ok || !response.body) return false;
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith('image/')) {
    await response.body.cancel();
    return false;
  }
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    await response.body.cancel();
    return false;
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    total += chunk.byteLength;
    if (total > maxBytes) return false;
    chunks.push(chunk);
  }
  if (total === 0) return false;
  await writeFileAtomic(target, Buffer.concat(chunks));
  return true;
}
