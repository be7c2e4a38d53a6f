import { createCipheriv, randomBytes } from 'node:crypto';

/**
 * The encodings the hosters use to hide media URLs, implemented from the encoding side so the
 * resolvers' decoders are tested against an independent implementation.
 */

const VOE_JUNK = ['@$', '^^', '~@', '%?', '*~', '!!', '#&'];

function rot13(text: string): string {
  return text.replace(/[a-z]/gi, (char) => {
    const base = char <= 'Z' ? 65 : 97;
    return String.fromCharCode(((char.charCodeAt(0) - base + 13) % 26) + base);
  });
}

/** JSON -> base64 -> reverse -> +3 per char -> base64 -> junk tokens sprinkled in -> ROT13. */
export function encodeVoePayload(payload: unknown): string {
  const first = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64');
  const shifted = [...first]
    .reverse()
    .map((char) => String.fromCharCode(char.charCodeAt(0) + 3))
    .join('');
  const second = Buffer.from(shifted, 'latin1').toString('base64');
  let sprinkled = '';
  for (let index = 0; index < second.length; index++) {
    sprinkled += second[index];
    if (index % 7 === 3) sprinkled += VOE_JUNK[index % VOE_JUNK.length];
  }
  return rot13(sprinkled);
}

/** Filemoon's playback answer: AES-256-GCM with the key split into parts, all base64url; newer answers name the data `payload2`/`iv2`. */
export function encryptFilemoonPlayback(playback: unknown, field: 'payload' | 'payload2' = 'payload'): Record<string, string | string[]> {
  const key = randomBytes(32);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const encrypted = Buffer.concat([cipher.update(JSON.stringify(playback), 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return {
    algorithm: 'AES-256-GCM',
    [field === 'payload' ? 'iv' : 'iv2']: iv.toString('base64url'),
    [field]: encrypted.toString('base64url'),
    key_parts: [key.subarray(0, 16).toString('base64url'), key.subarray(16).toString('base64url')],
  };
}

/** Dean Edwards' p,a,c,k,e,d format (base 36), as older Filemoon pages use it. */
export function packJavaScript(source: string): string {
  const words: string[] = [];
  const index = new Map<string, number>();
  const packed = source.replace(/\b\w+\b/g, (word) => {
    if (!index.has(word)) {
      index.set(word, words.length);
      words.push(word);
    }
    return index.get(word)!.toString(36);
  });
  const escaped = packed.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
  return `eval(function(p,a,c,k,e,d){while(c--)if(k[c])p=p.replace(new RegExp('\\\\b'+c.toString(a)+'\\\\b','g'),k[c]);return p}('${escaped}',36,${words.length},'${words.join('|')}'.split('|')))`;
}
