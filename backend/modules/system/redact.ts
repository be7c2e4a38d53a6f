/** Keys whose values never leave the process in a diagnostics bundle, wherever they sit. */
const SECRET_KEY = /pass(word)?|secret|token|api[_-]?key|authorization|cookie|hash|credential|jwt|session_id|signature/i;
/** Bearer tokens (JWTs) and AniWorld API keys, even inside free text such as log messages. */
const SECRET_PATTERNS = [/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, /\baw_[A-Za-z0-9_-]{16,}/g, /\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}/g];
/** user:password@ in connection strings. */
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s"]+@/gi;

export const REDACTED = '[redacted]';

/**
 * Deep copy with secrets removed: by key name, by shape (JWTs, API keys, bcrypt hashes,
 * credentials in URLs) and by value (every known secret string passed in, e.g. the signing key
 * or a webhook URL that embeds its token).
 */
export function redact<T>(value: T, knownSecrets: readonly string[] = []): T {
  const secrets = knownSecrets.filter((secret) => secret.length >= 6).sort((a, b) => b.length - a.length);
  const scrub = (text: string) => {
    let result = text;
    for (const secret of secrets) result = result.split(secret).join(REDACTED);
    for (const pattern of SECRET_PATTERNS) result = result.replace(pattern, REDACTED);
    return result.replace(URL_CREDENTIALS, `$1${REDACTED}@`);
  };
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return scrub(node);
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === 'object') {
      const copy: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node)) {
        copy[key] = SECRET_KEY.test(key) && child !== null && child !== undefined && child !== false && typeof child !== 'number' ? REDACTED : walk(child);
      }
      return copy;
    }
    return node;
  };
  return walk(value) as T;
}
