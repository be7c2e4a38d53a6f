import { join } from 'node:path';
import { writeFileAtomic } from '../adapters/atomic-file.ts';

export const MAX_POSTER_BYTES = 5 * 1024 * 1024;

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** Image types media servers read as a series poster, and the file each is saved as. */
const POSTER_FILES: Readonly<Record<string, string>> = {
  'image/jpeg': 'poster.jpg',
  'image/jpg': 'poster.jpg',
  'image/png': 'poster.png',
  'image/webp': 'poster.webp',
};

/**
 * Downloads a cover image into `folder` with a timeout and a size bound, atomically.
 * Returns the file name written, or undefined (nothing written) when the answer is not a usable image.
 */
export async function downloadPoster(
  url: string,
  folder: string,
  options: { fetch?: FetchLike; timeoutMs?: number; maxBytes?: number } = {},
): Promise<string | undefined> {
  const maxBytes = options.maxBytes ?? MAX_POSTER_BYTES;
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const response = await doFetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 15_000), redirect: 'follow' });
  if (!response.body) return undefined;
  const type = (response.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  const file = POSTER_FILES[type];
  if (!response.ok || !file || Number(response.headers.get('content-length') ?? '0') > maxBytes) {
    await response.body.cancel();
    return undefined;
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    total += chunk.byteLength;
    if (total > maxBytes) return undefined;
    chunks.push(chunk);
  }
  if (total === 0) return undefined;
  await writeFileAtomic(join(folder, file), Buffer.concat(chunks));
  return file;
}
