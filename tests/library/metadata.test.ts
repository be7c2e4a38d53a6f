import { afterAll, beforeAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir, readFile } from 'node:fs/promises';
import { downloadPoster } from '../../backend/library/poster.ts';
import { renderTvshowNfo } from '../../backend/library/nfo.ts';
import { readFolderLink, writeFolderLink } from '../../backend/library/folder-link.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/cover.jpg') {
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      res.end(JPEG);
      return;
    }
    if (req.url === '/cover.svg') {
      res.writeHead(200, { 'content-type': 'image/svg+xml' });
      res.end('<svg/>');
      return;
    }
    if (req.url === '/huge.png') {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(Buffer.alloc(2048));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

let temp: { path: string; remove: () => Promise<void> };
beforeEach(async () => {
  temp = await makeTempDir();
});
afterEach(async () => {
  await temp.remove();
});

describe('poster download', () => {
  it('writes a JPEG as poster.jpg', async () => {
    expect(await downloadPoster(`${base}/cover.jpg`, temp.path)).toBe('poster.jpg');
    expect(await readFile(`${temp.path}/poster.jpg`)).toEqual(JPEG);
  });

  it('writes nothing for non-raster images, errors and oversized answers', async () => {
    expect(await downloadPoster(`${base}/cover.svg`, temp.path)).toBeUndefined();
    expect(await downloadPoster(`${base}/missing.jpg`, temp.path)).toBeUndefined();
    expect(await downloadPoster(`${base}/huge.png`, temp.path, { maxBytes: 1024 })).toBeUndefined();
    expect(await readdir(temp.path)).toEqual([]);
  });
});

describe('tvshow.nfo', () => {
  it('escapes provider text and carries ids, genres and year', () => {
    const nfo = renderTvshowNfo({
      key: 'tom-and-jerry',
      name: 'Tom & "Jerry" <Spezial>',
      originalTitle: 'トムとジェリー',
      year: 2001,
      endYear: 2003,
      description: 'Käse & Mäuse\u0001',
      genres: ['Action', 'Komödie'],
      imdbId: 'tt0000002',
      ageRating: 12,
      link: 'x',
      poster: 'poster.jpg',
    });
    expect(nfo).toContain('<title>Tom &amp; &quot;Jerry&quot; &lt;Spezial&gt;</title>');
    expect(nfo).toContain('<originaltitle>トムとジェリー</originaltitle>');
    expect(nfo).toContain('<year>2001</year>');
    expect(nfo).toContain('<premiered>2001-01-01</premiered>');
    expect(nfo).toContain('<plot>Käse &amp; Mäuse</plot>');
    expect(nfo).toContain('<genre>Komödie</genre>');
    expect(nfo).toContain('<uniqueid type="imdb" default="true">tt0000002</uniqueid>');
    expect(nfo).toContain('<status>Ended</status>');
    expect(nfo).toContain('<thumb aspect="poster">poster.jpg</thumb>');
  });
});

describe('folder links', () => {
  it('round-trips .aniworld.json and reads legacy key files, refusing junk keys', async () => {
    await writeFolderLink(temp.path, { key: 'demo', name: 'Demo', year: 2020, link: 'https://aniworld.to/anime/stream/demo', site: 'aniworld.to' });
    expect(await readFolderLink(temp.path, { json: true, keyFile: false })).toMatchObject({ key: 'demo', name: 'Demo', year: 2020, source: 'aniworld.json' });
    const other = await makeTempDir();
    try {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(`${other.path}/key`, '  legacy-key\n');
      expect(await readFolderLink(other.path, { json: false, keyFile: true })).toEqual({ key: 'legacy-key', source: 'key-file' });
      await writeFile(`${other.path}/key`, '../../etc');
      expect(await readFolderLink(other.path, { json: false, keyFile: true })).toBeUndefined();
    } finally {
      await other.remove();
    }
  });
});
