import { describe, expect, it } from 'vitest';
import { parseEpisodePage } from '../../backend/providers/aniworld/episode-page.ts';
import { parseSeasonPage } from '../../backend/providers/aniworld/season-page.ts';
import { parseSeriesPage } from '../../backend/providers/aniworld/series-page.ts';
import { notFoundMessage } from '../../backend/providers/aniworld/not-found.ts';
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
    expect(parseSeasonPage(html, 'foo', 3, `${BASE}/anime/stream/foo/staffel-3`).episodes).toEqual([
      {
        season: 3,
        number: 7,
        titleDe: null,
        titleEn: 'Only English',
        type: 'episode',
        languages: ['English Sub'],
        hosters: ['VOE', 'Streamtape'],
        link: `${BASE}/anime/stream/foo/staffel-3/episode-7`,
      },
    ]);
  });

  it("season page: only the navigation's episode links", () => {
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
      key: 'foo',
      season: 1,
      episode: 1,
      titleDe: 'Ä & Ö',
      titleEn: null,
      type: 'episode',
      languages: ['German Sub'],
      links: [{ hoster: 'Vidoza', language: 'German Sub', linkId: '777', redirectUrl: `${BASE}/redirect/777` }],
    });
  });

  it('title suffixes become types; entities escaped twice or three times decode to the text', () => {
    const row = (title: string) =>
      `<tr itemprop="episode"><td><a href="/anime/stream/foo/filme/film-1">Film 1</a></td><td class="seasonEpisodeTitle"><a><strong></strong> <span>${title}</span></a></td></tr>`;
    const film = (title: string) => parseSeasonPage(`<table class="seasonEpisodesList"><tbody>${row(title)}</tbody></table>`, 'foo', 0, BASE).episodes[0];
    expect(film('Naruto&amp;#039;s ultimate heroes [OVA]')).toMatchObject({ number: 1, titleEn: "Naruto's ultimate heroes", type: 'ova' });
    expect(film('Tom &amp;amp;amp; Jerry [Movie]')).toMatchObject({ titleEn: 'Tom & Jerry', type: 'movie' });
    expect(film('The End  [special] ')).toMatchObject({ titleEn: 'The End', type: 'special' });
    expect(film('No suffix, a film')).toMatchObject({ titleEn: 'No suffix, a film', type: 'movie' });
    expect(film('[OVA]')).toMatchObject({ titleEn: null, type: 'ova' });
    expect(film('Brackets [inside] stay')).toMatchObject({ titleEn: 'Brackets [inside] stay', type: 'movie' });
    expect(film('&lt;b&gt;bold&lt;/b&gt; [Episode 012]')).toMatchObject({ titleEn: '<b>bold</b>', type: 'episode' });
  });

  it('series page: language tags among the genres are not genres', () => {
    const html = `<div class="series-title"><h1 itemprop="name"><span>Foo</span></h1></div><div class="hosterSiteDirectNav" id="stream"><ul><li><a href="/anime/stream/foo/staffel-1">1</a></li></ul></div>
      <div class="genres"><ul><li><a itemprop="genre">Action</a></li><li><a itemprop="genre">Ger</a></li><li><a itemprop="genre">GerSub</a></li><li><a itemprop="genre"> EngSub </a></li><li><button class="hiddenArea">+ 2</button></li><li><a itemprop="genre">Eng</a></li><li><a itemprop="genre">Germany</a></li></ul></div>`;
    expect(parseSeriesPage(html, 'foo', `${BASE}/anime/stream/foo`).genres).toEqual(['Action', 'Germany']);
  });

  it('a page with div.messageAlert.danger in place of the content is "not found"; a notice on a real page is not', () => {
    expect(notFoundMessage('<div class="container"><div class="messageAlert danger">Die Serie gibt es nicht.</div></div>')).toBe('Die Serie gibt es nicht.');
    expect(notFoundMessage('<div class="messageAlert danger"></div>')).toBe('');
    expect(notFoundMessage('<div class="series-title"><h1>Foo</h1></div><div class="messageAlert danger">Wartung heute Nacht</div>')).toBeUndefined();
    expect(notFoundMessage('<div class="messageAlert success">Gespeichert</div>')).toBeUndefined();
  });

  it('says which part is missing', () => {
    expect(() => parseSeasonPage('<p>nothing</p>', 'foo', 2, BASE)).toThrow(/season 2 page of "foo" has no episode list/);
    expect(() => parseSeasonPage('<p>nothing</p>', 'foo', 0, BASE)).toThrow(/films page/);
    expect(() => parseEpisodePage('<div class="hosterSiteVideo"><ul class="row"><li><h4>VOE</h4></li></ul></div>', 'foo', 1, 1, BASE)).toThrow(ParseError);
  });
});
