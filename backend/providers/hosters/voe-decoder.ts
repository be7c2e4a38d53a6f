const JUNK_TOKENS = ['@$', '^^', '~@', '%?', '*~', '!!', '#&'];

function rot13(text: string): string {
  return text.replace(/[a-z]/gi, (char) => {
    const base = char <= 'Z' ? 65 : 97;
    return String.fromCharCode(((char.charCodeAt(0) - base + 13) % 26) + base);
  });
}

/**
 * VOE's obfuscated JSON payload: ROT13, drop junk tokens, base64, minus 3 per char, reverse,
 * base64, JSON. Throws when any step does not yield what the next one needs.
 */
export function decodeVoePayload(encoded: string): Record<string, unknown> {
  let text = rot13(encoded);
  for (const token of JUNK_TOKENS) text = text.split(token).join('');
  const shifted = Buffer.from(text, 'base64').toString('latin1');
  const unshifted = [...shifted].map((char) => String.fromCharCode(char.charCodeAt(0) - 3)).join('');
  const json = Buffer.from([...unshifted].reverse().join(''), 'base64').toString('utf8');
  const parsed: unknown = JSON.parse(json);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('the decoded payload is not a JSON object');
  return parsed as Record<string, unknown>;
}

/**
 * The payload VOE also ships in a script variable (`var a168c='...'`): the same chain as the JSON
 * script, or, on older pages, only base64 of the reversed JSON (or plain base64 JSON). The first
 * reading that yields a JSON object wins; undefined when none does.
 */
export function decodeVoeVariable(encoded: string): Record<string, unknown> | undefined {
  const readings: (() => string)[] = [
    () => JSON.stringify(decodeVoePayload(encoded)),
    () => [...Buffer.from(encoded, 'base64').toString('utf8')].reverse().join(''),
    () => Buffer.from(encoded, 'base64').toString('utf8'),
  ];
  for (const reading of readings) {
    try {
      const parsed: unknown = JSON.parse(reading());
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // Not this reading; try the next.
    }
  }
  return undefined;
}
