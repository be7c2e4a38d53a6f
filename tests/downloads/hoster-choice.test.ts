import { describe, expect, it } from 'vitest';
import { describeHosterFailure, episodeLabel, orderCandidates } from '../../backend/modules/queue/episode-downloader.ts';
import { ChallengeError, ParseError, ProviderUnavailableError } from '../../backend/providers/errors.ts';
import { statusError } from '../../backend/downloads/errors.ts';
import type { HosterLink, Language } from '../../backend/providers/provider.ts';

const link = (hoster: string, language: Language): HosterLink => ({
  hoster,
  language,
  linkId: `${hoster}-${language}`,
  redirectUrl: `http://site/redirect/${hoster}`,
});
const links = [
  link('Vidoza', 'German Sub'),
  link('VOE', 'German Sub'),
  link('Streamtape', 'German Dub'),
  link('Vidoza', 'German Dub'),
  link('VOE', 'German Dub'),
  link('VOE', 'English Sub'),
];

describe('choosing a source', () => {
  it('orders by language preference, then by the configured hoster order, skipping unconfigured hosters and languages', () => {
    const ordered = orderCandidates(links, ['German Dub', 'German Sub'], ['VOE', 'Vidoza']);
    expect(ordered.map((entry) => `${entry.hoster}/${entry.language}`)).toEqual(['VOE/German Dub', 'Vidoza/German Dub', 'VOE/German Sub', 'Vidoza/German Sub']);
  });

  it('tries the source of an existing .part first so that it can resume', () => {
    const ordered = orderCandidates(links, ['German Dub', 'German Sub'], ['VOE', 'Vidoza'], { hoster: 'Vidoza', language: 'German Sub', target: '/m/x.mp4' });
    expect(ordered[0]).toMatchObject({ hoster: 'Vidoza', language: 'German Sub' });
    expect(ordered).toHaveLength(4);
  });

  it('describes each hoster failure in words a person understands', () => {
    const voe = link('VOE', 'German Dub');
    const vidoza = link('Vidoza', 'German Dub');
    expect(describeHosterFailure(voe, new ChallengeError('anti-bot'))).toBe('VOE asked for a captcha');
    expect(describeHosterFailure(voe, new ChallengeError('VOE asked for a captcha (voe.sx answered with an anti-bot challenge (HTTP 403) for /e/1)'))).toBe(
      'VOE asked for a captcha',
    );
    expect(
      describeHosterFailure(
        link('Doodstream', 'German Dub'),
        new ChallengeError('Doodstream asked for a Turnstile check (the page has no pass_md5 path without it; https://dood.li/e/1)'),
      ),
    ).toBe('Doodstream asked for a Turnstile check');
    expect(
      describeHosterFailure(
        voe,
        new ChallengeError('the provider asked for a captcha instead of sending us to VOE (link 7 answered HTTP 200 without a redirect)'),
      ),
    ).toBe('the provider asked for a captcha instead of sending us to VOE');
    expect(describeHosterFailure(vidoza, new ProviderUnavailableError('vidoza.net did not answer for /e/1 after 3 attempts: HTTP 500'))).toBe(
      'Vidoza is broken (HTTP 500)',
    );
    expect(describeHosterFailure(vidoza, statusError(503, 'The video download'))).toBe('Vidoza is broken (HTTP 503)');
    expect(describeHosterFailure(vidoza, statusError(403, 'The video download'))).toBe('Vidoza refused the download (HTTP 403)');
    expect(describeHosterFailure(voe, new ParseError('no payload'))).toBe("VOE's page could not be read");
    expect(episodeLabel(1, 3)).toBe('S01E03');
    expect(episodeLabel(0, 2)).toBe('film 2');
  });
});
