/**
 * Recognises episode files by name. Accepted (case-insensitive, anywhere in the name):
 * - `S(\d{1,2})E(\d{2,3})` as other tools write it ("Title - S01E05 - (German Dub).mp4", "Title S01E005.mkv");
 * - films as season 0: `S00E03`, or "Film 3" / "Movie 3" (with optional space, dot, dash or underscore).
 * Only files with a video extension count: `*.part` (unfinished downloads), subtitles, NFOs and images are ignored.
 */
export const VIDEO_EXTENSIONS: ReadonlySet<string> = new Set(['mkv', 'mp4', 'm4v', 'avi', 'mov', 'webm', 'ts', 'm2ts', 'wmv', 'flv', 'mpg', 'mpeg', 'ogv']);

export interface EpisodeRef {
  readonly season: number;
  readonly number: number;
}

const SEASON_EPISODE = /s(\d{1,2})e(\d{2,3})(?!\d)/i;
/** The common case in one pass: SxxEyy in a name that ends in a video extension. */
const EPISODE_VIDEO = new RegExp(`s(\\d{1,2})e(\\d{2,3})(?!\\d)(?=.*\\.(?:${[...VIDEO_EXTENSIONS].join('|')})$)`, 'i');
const FILM = /(?:^|[^a-z0-9])(?:film|movie)[ ._-]?(\d{1,3})(?!\d)/i;
const SEASON_FOLDER = /^(?:season|staffel)[ ._-]?(\d{1,3})$/i;
const FILM_FOLDERS: ReadonlySet<string> = new Set(['specials', 'filme', 'films', 'movies']);

export function isVideoFile(name: string): boolean {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return false;
  const extension = name.slice(dot + 1);
  // Scans call this for every file: skip the lower-casing for the usual lower-case extension.
  return VIDEO_EXTENSIONS.has(extension) || VIDEO_EXTENSIONS.has(extension.toLowerCase());
}

/** The episode a file name stands for, or undefined when it is no episode video. */
export function parseEpisodeFile(name: string): EpisodeRef | undefined {
  const quick = EPISODE_VIDEO.exec(name);
  if (quick) return { season: Number(quick[1]), number: Number(quick[2]) };
  if (!isVideoFile(name)) return undefined;
  const stem = name.slice(0, name.lastIndexOf('.'));
  const match = SEASON_EPISODE.exec(stem);
  if (match) return { season: Number(match[1]), number: Number(match[2]) };
  const film = FILM.exec(stem);
  if (film && Number(film[1]) > 0) return { season: 0, number: Number(film[1]) };
  return undefined;
}

/**
 * Season subfolders the scanner descends into: "Season 1", "Season 01", "Staffel 2", and
 * "Specials"/"Filme"/"Films"/"Movies" for season 0. Other subfolders (extras, subs) are not read.
 */
export function isSeasonFolder(name: string): boolean {
  return SEASON_FOLDER.test(name) || FILM_FOLDERS.has(name.toLowerCase());
}
