import { describe, expect, it } from 'vitest';
import { parseEpisodePage } from '../../backend/providers/aniworld/episode-page.ts';
import { parseSeasonPage } from '../../backend/providers/aniworld/season-page.ts';
import { parseSeriesPage } from '../../backend/providers/aniworld/series-page.ts';
import { ParseError } from '../../backend/providers/errors.ts';

// Hand-written variants of the provider's markup that the fixture does not produce: single quotes,
// upper-case tags, attributes in another order, unknown wrappers and comments, XHTML-style tags.
const BASE = 'https://aniworld.example';

describe('parsers tolerate markup variations', () => {
  it('series page', () => {
    const html = `<HTML><BODY><!-- ad --><div class='wrap'><section>
      <DIV class='seriesCoverBox extra'><img alt='x' src='/public/img/cover/small.jpg'/></DIV>
      <div data-x="1" class="series-title">
        <h1 data-alternativetitles='Eins,  Zwei ,' itemprop='name'><span class="t">  Foo &amp;
          Bar  </span></h1>
        <small><span itemprop="startDate">(<a href="/animes/jahr/2011/">2011</a>)</span></small>
        <div data-imdb=' tt0123456 ' class='imdb'></div><div data-fsk='6'/>
      </div>
      <P data-full-description="Long &quot;quoted&quot; text" class="seri_des">Long...</P>
      <div class="genres"><ul><li><span><a itemprop="genre">Drama</a></span></li><li><a itemprop="genre">Drama</a></li><li><button itemprop="genre">+ 12</button></li></ul></div>
      <div id="stream" class="hosterSiteDirectNav other"><ul>
        <li><a href="https://aniworld.example/anime/stream/foo-bar/staffel-2" title="Staffel 2">2</a></li>
        <li><a title="Alle Filme" href="/anime/stream/foo-bar/filme/">Filme</a></li>
        <li><a href="/anime/stream/foo-bar/staffel-1">1</a></li>
      </ul></div></section></div></BODY></HTML>`;
    expect(parseSeriesPage(html, 'foo-bar', `${BASE}/anime/stream/foo-bar`)).toEqual({
      key: 'foo-bar',
      name: 'Foo & Bar',
      link: `${BASE}/anime/stream/foo-bar`,
      alternativeTitles: ['Eins', 'Zwei'],
      year: 2011,
      endYear: null,
      description: 'Long "quoted" text',
      cover: `${BASE}/public/img/cover/small.jpg`,
      genres: ['Drama'],
      imdbId: 'tt0123456',
      ageRating: 6,
      seasons: [0, 1, 2],
    });
  });

  it('season page: rows without meta, links giving the number, unknown flags ignored', () => {
    const html = `<table class='seasonEpisodesList'><tbody id='season3'>
      <TR itemtype='http://schema.org/Episode' itemprop='episode' data-episode-id='9'>
        <td><a href='/anime/stream/foo/staffel-3/episode-7'>Folge 7</a></td>
        <td class='seasonEpisodeTitle'><a><strong></strong><span>Only English</span></a></td>
        <td><i title='Hoster VOE' class='icon VOE'></i><i class='icon Streamtape'></i></td>
        <td><img src='/public/img/klingon.svg' class='flag'><img class='flag flag-big' src='/public/img/japanese-english.svg?v=2'></td>
      </TR>
      <tr itemprop="episode"><td>no link, no number</td></tr>
    </tbody></table>`;
    expect(parseSeasonPage(html, 'foo', 3, `${BASE}/anime/stream/foo/staffel-3`).episodes).toEqual([{
      season: 3,
      number: 7,
      titleDe: null,
      titleEn: 'Only English',
      languages: ['English Sub'],
      hosters: ['VOE', 'Streamtape'],
      link: `${BASE}/anime/stream/foo/staffel-3/episode-7`,
    }]);
  });

  it('season page: only the navigation\'s episode links', () => {
    const html = `<div class="hosterSiteDirectNav" id="stream"><ul><li><a href="/anime/stream/foo/staffel-1">1</a></li></ul>
      <ul><li><a href="/anime/stream/foo/staffel-1/episode-2">2</a></li><li><a href="/anime/stream/foo/staffel-1/episode-1">1</a></li></ul></div>`;
    expect(parseSeasonPage(html, 'foo', 1, `${BASE}/anime/stream/foo/staffel-1`).episodes.map((episode) => episode.number)).toEqual([1, 2]);
  });

  it('episode page: link id from the target, unknown language keys and incomplete items skipped', () => {
    const html = `<div class='hosterSiteTitle' data-season='1'><h2><span class='episodeGermanTitle'>Ä &amp; Ö</span><small class='episodeEnglishTitle'></small></h2></div>
      <div class='changeLanguageBox'><img data-lang-key='3'/><img data-lang-key='9'/></div>
      <div class='hosterSiteVideo'><ul class='row'>
        <li data-link-target='/redirect/777' data-lang-key='3'><a class='watchEpisode' href='/redirect/777'><h4> Vidoza </h4></a></li>
        <li data-lang-key='9' data-link-id='1' data-link-target='/redirect/1'><h4>VOE</h4></li>
        <li data-lang-key='1' data-link-id='2'><h4>VOE</h4></li>
        <li data-lang-key='1' data-link-id='3' data-link-target='/redirect/3'><h4></h4></li>
      </ul></div>`;
    expect(parseEpisodePage(html, 'foo', 1, 1, `${BASE}/anime/stream/foo/staffel-1/episode-1`)).toEqual({
      key: 'foo', season: 1, episode: 1, titleDe: 'Ä & Ö', titleEn: null, languages: ['German Sub'],
      links: [{ hoster: 'Vidoza', language: 'German Sub', linkId: '777', redirectUrl: `${BASE}/redirect/777` }],
    });
  });

  it('says which part is missing', () => {
    expect(() => parseSeasonPage('<p>nothing</p>', 'foo', 2, BASE)).toThrow(/season 2 page of "foo" has no episode list/);
    expect(() => parseSeasonPage('<p>nothing</p>', 'foo', 0, BASE)).toThrow(/films page/);
    expect(() => parseEpisodePage('<div class="hosterSiteVideo"><ul class="row"><li><h4>VOE</h4></li></ul></div>', 'foo', 1, 1, BASE)).toThrow(ParseError);
  });
});
