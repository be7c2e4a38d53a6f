/**
 * Renders the Sonarr-style naming template the way the library writes files, so the settings
 * page can show real examples while the user types. Tokens: {Series Title}, {season:00},
 * {episode:00}, {Episode Title}, {Language}, {Year}; unknown tokens are reported, not dropped.
 */
export interface NamingExample {
  readonly seriesTitle: string;
  readonly season: number;
  readonly episode: number;
  readonly episodeTitle: string;
  readonly language: string;
  readonly year?: number | null;
  readonly extension?: string;
}

export interface NamingPreview {
  readonly path: string;
  readonly unknownTokens: readonly string[];
}

const TOKEN = /\{([^{}]+)\}/g;

/** Characters Windows, SMB shares and most media servers refuse in file names. */
export function sanitizeSegment(value: string): string {
  return value
    .replace(/[<>:"/\\|?*\u0000-\u001f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[. ]+$/, '');
}

export function renderTemplate(template: string, example: NamingExample): { text: string; unknownTokens: string[] } {
  const unknownTokens: string[] = [];
  const text = template.replace(TOKEN, (whole, rawToken: string) => {
    const [name, format] = rawToken.split(':') as [string, string | undefined];
    const key = name.trim().toLowerCase();
    const pad = (value: number) => (format && /^0+$/.test(format) ? String(value).padStart(format.length, '0') : String(value));
    switch (key) {
      case 'series title':
        return example.seriesTitle;
      case 'season':
        return pad(example.season);
      case 'episode':
        return pad(example.episode);
      case 'episode title':
        return example.episodeTitle;
      case 'language':
        return example.language;
      case 'year':
        return example.year ? String(example.year) : '';
      default:
        unknownTokens.push(whole);
        return whole;
    }
  });
  return { text, unknownTokens };
}

export function previewEpisodePath(options: { folder: string; seasonTemplate: string; episodeTemplate: string; example: NamingExample }): NamingPreview {
  const season = renderTemplate(options.seasonTemplate, options.example);
  const episode = renderTemplate(options.episodeTemplate, options.example);
  const extension = options.example.extension ?? 'mp4';
  const fileName = sanitizeSegment(episode.text.replace(/\s+-\s+(?=$)/, '')) || 'episode';
  const path = [sanitizeSegment(options.folder), sanitizeSegment(season.text), `${fileName}.${extension}`].filter(Boolean).join('/');
  return { path, unknownTokens: [...new Set([...season.unknownTokens, ...episode.unknownTokens])] };
}

/** A series folder name the way "add series" proposes it: "Title (Year)". */
export function previewFolderName(title: string, year?: number | null): string {
  const clean = sanitizeSegment(title);
  return year ? `${clean} (${year})` : clean;
}
