import { ValidationError } from '../../errors.ts';

/** What the API shows in place of a stored URL token, header value or password. */
export const MASK = '•••';

/** A path segment that looks like a token (Discord's `/api/webhooks/<id>/<token>`), not like a word. */
const TOKEN_SEGMENT = /^(?=[^/]*\d)(?=[^/]*[A-Za-z])[A-Za-z0-9._~%-]{16,}$/;
/** `scheme://user:password@` anywhere in a text. */
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s"'<>]+@/gi;
/** Values shorter than this are not searched for in texts (they would cut ordinary words). */
const MIN_SECRET_LENGTH = 4;

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The URL as the API shows it: every query value, token-like path segment, fragment and
 * user:password replaced by •••, the rest (scheme, host, path, parameter names) kept so a
 * person can tell their hooks apart.
 */
export function maskUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return MASK;
  }
  const userinfo = parsed.username || parsed.password ? `${MASK}@` : '';
  const path = parsed.pathname
    .split('/')
    .map((segment) => (TOKEN_SEGMENT.test(segment) ? MASK : segment))
    .join('/');
  const query = parsed.search
    ? `?${parsed.search
        .slice(1)
        .split('&')
        .map((pair) => {
          const equals = pair.indexOf('=');
          return equals < 0 ? pair : `${pair.slice(0, equals)}=${MASK}`;
        })
        .join('&')}`
    : '';
  const fragment = parsed.hash ? `#${MASK}` : '';
  return `${parsed.protocol}//${userinfo}${parsed.host}${path}${query}${fragment}`;
}

export function maskHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.keys(headers).map((name) => [name, MASK]));
}

/** Every value of a hook that must not appear in a text: URL parts, header values, the secret. */
export function secretValues(target: { readonly url: string; readonly headers?: Readonly<Record<string, string>>; readonly secret?: string | null }): string[] {
  const values = [target.url, ...Object.values(target.headers ?? {}), ...(target.secret ? [target.secret] : [])];
  try {
    const parsed = new URL(target.url);
    values.push(parsed.username, parsed.password, safeDecode(parsed.username), safeDecode(parsed.password), parsed.search.slice(1), parsed.hash.slice(1));
    for (const [name, value] of parsed.searchParams) values.push(value, encodeURIComponent(value), `${name}=${value}`);
    for (const pair of parsed.search.slice(1).split('&')) values.push(pair.slice(pair.indexOf('=') + 1));
    for (const segment of parsed.pathname.split('/')) if (TOKEN_SEGMENT.test(segment)) values.push(segment, safeDecode(segment));
  } catch {
    // Not a URL: the whole string is already in the list.
  }
  return [...new Set(values.filter((value) => value.length >= MIN_SECRET_LENGTH))];
}

/** A text (an error, a receiver's answer) with every given secret and any URL credentials replaced by •••. */
export function maskText(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) result = result.split(secret).join(MASK);
  return result.replace(URL_CREDENTIALS, `$1${MASK}@`);
}

/**
 * `https://user:password@host/...` cannot be sent by fetch (and would be logged with every
 * failure): the credentials move into an `Authorization: Basic` header and leave the URL.
 */
export function credentialsToHeader(url: string, headers: Readonly<Record<string, string>>): { url: string; headers: Record<string, string> } {
  const parsed = new URL(url);
  if (!parsed.username && !parsed.password) return { url, headers: { ...headers } };
  if (Object.keys(headers).some((name) => name.toLowerCase() === 'authorization')) {
    throw new ValidationError('The URL carries user:password@ and an Authorization header is set too: keep one of them', [
      { path: 'url', message: 'has credentials and an Authorization header is set' },
    ]);
  }
  const basic = Buffer.from(`${safeDecode(parsed.username)}:${safeDecode(parsed.password)}`, 'utf8').toString('base64');
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString(), headers: { ...headers, Authorization: `Basic ${basic}` } };
}

/**
 * Edit with masked values: a URL sent back exactly as the API showed it keeps the stored one,
 * a header sent back as ••• keeps its stored value. A ••• anywhere else has nothing to stand
 * for and is refused, so a stored token is never replaced by the mask by accident.
 */
export function keepMasked(
  input: { url?: string; headers?: Record<string, string> },
  stored: { url: string; headers: Readonly<Record<string, string>> } | undefined,
): { url?: string; headers?: Record<string, string> } {
  const result: { url?: string; headers?: Record<string, string> } = {};
  if (input.url !== undefined) {
    if (!input.url.includes(MASK)) result.url = input.url;
    else if (stored && input.url === maskUrl(stored.url)) result.url = stored.url;
    else
      throw new ValidationError(`The URL still contains ${MASK}: enter the whole URL, or send the shown one back unchanged to keep the stored URL`, [
        { path: 'url', message: `contains ${MASK}` },
      ]);
  }
  if (input.headers !== undefined) {
    result.headers = {};
    for (const [name, value] of Object.entries(input.headers)) {
      if (value !== MASK) {
        result.headers[name] = value;
        continue;
      }
      const kept = stored && Object.entries(stored.headers).find(([storedName]) => storedName.toLowerCase() === name.toLowerCase());
      if (!kept)
        throw new ValidationError(`Header "${name}" is ${MASK} but no value is stored for it: enter its value`, [
          { path: `headers.${name}`, message: `is ${MASK} with nothing stored` },
        ]);
      result.headers[name] = kept[1];
    }
  }
  return result;
}
