import { crc32, deflateSync } from 'node:zlib';

const WIDTH = 220;
const HEIGHT = 330;

/** A small real PNG per cover path (a colour band picked from the path), so poster downloads get an image. */
export function coverPng(path: string): Buffer {
  let hue = 0;
  for (const char of path) hue = (hue * 31 + char.charCodeAt(0)) % 360;
  const [r, g, b] = hslToRgb(hue, 0.55, 0.45);
  const rows = Buffer.alloc((WIDTH * 3 + 1) * HEIGHT);
  for (let y = 0; y < HEIGHT; y++) {
    const offset = y * (WIDTH * 3 + 1);
    const shade = y > HEIGHT * 0.7 ? 0.6 : 1;
    for (let x = 0; x < WIDTH; x++) {
      rows[offset + 1 + x * 3] = r * shade;
      rows[offset + 2 + x * 3] = g * shade;
      rows[offset + 3 + x * 3] = b * shade;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(WIDTH, 0);
  header.writeUInt32BE(HEIGHT, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

function hslToRgb(hue: number, saturation: number, lightness: number): [number, number, number] {
  const c = (1 - Math.abs(2 * lightness - 1)) * saturation;
  const x = c * (1 - Math.abs(((hue / 60) % 2) - 1));
  const m = lightness - c / 2;
  const [r, g, b] = hue < 60 ? [c, x, 0] : hue < 120 ? [x, c, 0] : hue < 180 ? [0, c, x] : hue < 240 ? [0, x, c] : hue < 300 ? [x, 0, c] : [c, 0, x];
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}
