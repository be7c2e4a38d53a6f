const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const PACKED = /\}\s*\(\s*'((?:[^'\\]|\\.)*)'\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*'((?:[^'\\]|\\.)*)'\.split\(\s*'\|'\s*\)/;

/** Undoes Dean Edwards' p,a,c,k,e,d packer without evaluating anything; undefined when there is none. */
export function unpackJavaScript(html: string): string | undefined {
  const match = PACKED.exec(html);
  if (!match) return undefined;
  const payload = match[1].replace(/\\(.)/g, '$1');
  const base = Number(match[2]);
  const words = match[4].split('|');
  if (base < 2 || base > DIGITS.length) return undefined;
  return payload.replace(/\b\w+\b/g, (word) => {
    const index = decode(word, base);
    return index !== undefined && words[index] ? words[index] : word;
  });
}

function decode(word: string, base: number): number | undefined {
  let value = 0;
  for (const char of word) {
    const digit = DIGITS.indexOf(char);
    if (digit < 0 || digit >= base) return undefined;
    value = value * base + digit;
  }
  return value;
}
