// The provider's HTML and search readers in one module, so the provider loads them (and cheerio
// behind them) with one import on its first request rather than at start-up.
export { parseEpisodePage } from './episode-page.ts';
export { parseSeasonPage } from './season-page.ts';
export { parseSeriesPage } from './series-page.ts';
export { notFoundMessage } from './not-found.ts';
export { parseLegacySearchAnswer, parseSearchAnswer } from './search.ts';
