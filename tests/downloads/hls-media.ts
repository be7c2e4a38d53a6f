import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface HlsMedia {
  readonly playlist: string;
  /** Segment file names in playlist order with their bytes. */
  readonly segments: { name: string; body: Buffer }[];
}

/** A real H.264/AAC HLS stream made by ffmpeg: `seconds` long, one-second segments. */
export async function makeHls(folder: string, seconds = 6): Promise<HlsMedia> {
  await run('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=160x120:rate=25:duration=${seconds}`,
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:duration=${seconds}`,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-g',
    '25',
    '-c:a',
    'aac',
    '-f',
    'hls',
    '-hls_time',
    '1',
    '-hls_playlist_type',
    'vod',
    '-hls_segment_filename',
    join(folder, 'seg%03d.ts'),
    join(folder, 'index.m3u8'),
  ]);
  const playlist = await readFile(join(folder, 'index.m3u8'), 'utf8');
  const names = (await readdir(folder)).filter((name) => name.endsWith('.ts')).sort();
  const segments = await Promise.all(names.map(async (name) => ({ name, body: await readFile(join(folder, name)) })));
  return { playlist, segments };
}

export async function probeDuration(file: string): Promise<number> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type', '-of', 'json', file]);
  return Number(JSON.parse(stdout).format.duration);
}

export async function probeStreams(file: string): Promise<{ format: string; codecs: string[] }> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=format_name:stream=codec_name', '-of', 'json', file]);
  const parsed = JSON.parse(stdout);
  return { format: parsed.format.format_name, codecs: parsed.streams.map((stream: { codec_name: string }) => stream.codec_name) };
}
