import { describe, expect, it } from 'vitest';
import { injectBaseHref, stripBasePath } from './base-path.ts';

describe('stripBasePath', () => {
  it('cuts the prefix at a segment boundary only', () => {
    expect(stripBasePath('/aniworld', '/aniworld/api/health')).toBe('/api/health');
    expect(stripBasePath('/aniworld', '/aniworld')).toBe('/');
    expect(stripBasePath('/aniworld', '/aniworld?x=1')).toBe('/?x=1');
    expect(stripBasePath('/aniworld', '/aniworld/ws/connect?token=t')).toBe('/ws/connect?token=t');
    expect(stripBasePath('/aniworld', '/aniworldx/api')).toBe('/aniworldx/api');
    expect(stripBasePath('/aniworld', '/health')).toBe('/health');
    expect(stripBasePath('', '/api/health')).toBe('/api/health');
    expect(stripBasePath('/a/b', '/a/b/c')).toBe('/c');
  });
});

describe('injectBaseHref', () => {
  it('adds or replaces <base href> so relative panel URLs resolve under the prefix', () => {
    expect(injectBaseHref('<html><head><title>x</title></head></html>', '/aniworld')).toContain('<head>\n    <base href="/aniworld/">');
    expect(injectBaseHref('<head lang="en"><base href="/"></head>', '/sub')).toBe('<head lang="en"><base href="/sub/"></head>');
    expect(injectBaseHref('<head></head>', '')).toContain('<base href="/">');
  });
});
