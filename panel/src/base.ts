/**
 * The panel's URL prefix, read from <base href> (index.html ships "/", the server puts
 * ANIWORLD_BASE_PATH there), so one build works at / and behind a reverse-proxy prefix.
 * App paths ("/library") are what the router and the API helpers speak; URLs carry the prefix.
 */
export function basePath(): string {
  if (typeof document === 'undefined') return '/';
  return new URL(document.baseURI).pathname.replace(/[^/]*$/, '') || '/';
}

/** "/library" -> "/aniworld/library" under the prefix "/aniworld/". */
export function toUrl(path: string, base: string = basePath()): string {
  return base + path.replace(/^\/+/, '');
}

/** "/aniworld/library" -> "/library"; a path outside the prefix stays as it is. */
export function fromUrl(pathname: string, base: string = basePath()): string {
  if (base === '/' || !pathname.startsWith(base.slice(0, -1))) return pathname;
  const rest = pathname.slice(base.length - 1);
  return rest.startsWith('/') ? rest : `/${rest}`;
}
