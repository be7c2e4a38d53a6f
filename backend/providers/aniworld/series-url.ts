/** A series page's address on the configured host. */
export function seriesUrl(baseUrl: string, key: string): string {
  return new URL(`/anime/stream/${key}`, baseUrl).href;
}
