import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../adapters/atomic-file.ts';
import type { Logger } from '../../adapters/logger.ts';
import { writeFolderLink } from '../../library/folder-link.ts';
import { renderTvshowNfo } from '../../library/nfo.ts';
import { downloadPoster, type FetchLike } from '../../library/poster.ts';
import type { SeriesInfo } from '../../providers/provider.ts';

export interface MetadataOptions {
  readonly site: string;
  readonly writeNfo: boolean;
  readonly writePoster: boolean;
  /** Import keeps a tvshow.nfo / poster.jpg another tool already wrote; add overwrites. */
  readonly keepExisting: boolean;
}

/** Writes .aniworld.json (always), poster.jpg and tvshow.nfo (when switched on) into a series folder. */
export async function writeSeriesMetadata(
  folderPath: string,
  info: SeriesInfo,
  options: MetadataOptions,
  deps: { logger: Logger; fetch?: FetchLike },
): Promise<{ poster: string | null; nfo: boolean }> {
  await mkdir(folderPath, { recursive: true });
  await writeFolderLink(folderPath, { key: info.key, name: info.name, year: info.year, link: info.link, site: options.site });
  let poster = await existingPoster(folderPath);
  if (options.writePoster && info.cover && !(options.keepExisting && poster)) {
    try {
      poster = (await downloadPoster(info.cover, folderPath, { fetch: deps.fetch })) ?? poster;
    } catch (error) {
      deps.logger.warn({ component: 'library', key: info.key, err: error }, 'poster download failed');
    }
  }
  let nfo = false;
  const nfoPath = join(folderPath, 'tvshow.nfo');
  if (options.writeNfo && !(options.keepExisting && (await exists(nfoPath)))) {
    await writeFileAtomic(
      nfoPath,
      renderTvshowNfo({
        key: info.key,
        name: info.name,
        originalTitle: info.alternativeTitles[0] ?? null,
        year: info.year,
        endYear: info.endYear,
        description: info.description,
        genres: info.genres,
        imdbId: info.imdbId,
        ageRating: info.ageRating,
        link: info.link,
        poster,
      }),
    );
    nfo = true;
  }
  return { poster, nfo };
}

async function existingPoster(folder: string): Promise<string | null> {
  for (const name of ['poster.jpg', 'poster.png', 'poster.webp']) if (await exists(join(folder, name))) return name;
  return null;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
