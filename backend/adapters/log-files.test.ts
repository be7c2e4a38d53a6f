import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RotatingLogFile, tailLogFiles } from './log-files.ts';
import { makeTempDir } from '../../tests/helpers/temp-dir.ts';

const line = (index: number, level = 30) => `${JSON.stringify({ level, msg: `line ${index}`, pad: 'x'.repeat(40) })}\n`;

describe('RotatingLogFile', () => {
  it('rotates by size, keeps N old files and tails across them newest last', async () => {
    const temp = await makeTempDir();
    try {
      const file = new RotatingLogFile({ dir: temp.path, maxBytes: 1000, keep: 2 });
      for (let index = 0; index < 100; index++) file.write(line(index, index % 10 === 0 ? 40 : 30));
      file.close();
      expect(readdirSync(temp.path).sort()).toEqual(['aniworld.log', 'aniworld.log.1', 'aniworld.log.2']);
      for (const name of file.files()) expect(readFileSync(name).length).toBeLessThanOrEqual(1000);
      expect(file.files().map((path) => path.slice(temp.path.length + 1))).toEqual(['aniworld.log', 'aniworld.log.1', 'aniworld.log.2']);

      const last = await tailLogFiles(file.files(), { lines: 15 });
      expect(last.map((entry) => entry.msg)).toEqual(Array.from({ length: 15 }, (_, index) => `line ${85 + index}`));
      const warnings = await tailLogFiles(file.files(), { lines: 2, minLevel: 40 });
      expect(warnings.map((entry) => entry.msg)).toEqual(['line 80', 'line 90']);
      const everything = await tailLogFiles(file.files(), { lines: 1000 });
      // Only what the kept files still hold: contiguous and ending at the newest line.
      expect(everything.at(-1)!.msg).toBe('line 99');
      const first = Number(String(everything[0].msg).slice(5));
      expect(everything.map((entry) => entry.msg)).toEqual(Array.from({ length: 100 - first }, (_, index) => `line ${first + index}`));
    } finally {
      await temp.remove();
    }
  });

  it('reads lines longer than one read chunk and skips garbage', async () => {
    const temp = await makeTempDir();
    try {
      const file = new RotatingLogFile({ dir: temp.path });
      file.write(`${JSON.stringify({ level: 30, msg: 'big', blob: 'y'.repeat(200_000) })}\n`);
      file.write('not json\n');
      file.write(line(1));
      file.close();
      const entries = await tailLogFiles(file.files(), { lines: 10 });
      expect(entries.map((entry) => entry.msg)).toEqual(['big', 'line 1']);
    } finally {
      await temp.remove();
    }
  });
});
