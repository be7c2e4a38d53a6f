import { describe, expect, it } from 'vitest';
import { credentialsToHeader, keepMasked, maskText, maskUrl, secretValues } from './webhook-secrets.ts';

describe('maskUrl', () => {
  it('keeps scheme, host, path words and parameter names; hides values, tokens and credentials', () => {
    expect(maskUrl('https://gotify.example/message?token=AbCdEf123&priority=5')).toBe('https://gotify.example/message?token=•••&priority=•••');
    expect(maskUrl('https://discord.com/api/webhooks/1234567890123/aBcD_eFgH-1234567890abcdefXYZ')).toBe('https://discord.com/api/webhooks/1234567890123/•••');
    expect(maskUrl('https://ntfy.sh/aniworld-alerts')).toBe('https://ntfy.sh/aniworld-alerts');
    expect(maskUrl('http://user:pass@host:8080/x#frag')).toBe('http://•••@host:8080/x#•••');
    expect(maskUrl('not a url')).toBe('•••');
  });
});

describe('credentialsToHeader', () => {
  it('moves user:password@ into a Basic header and refuses a second Authorization', () => {
    expect(credentialsToHeader('https://al%40ce:p%3Ass@host/x?y=1', { 'X-A': '1' })).toEqual({
      url: 'https://host/x?y=1',
      headers: { 'X-A': '1', Authorization: `Basic ${Buffer.from('al@ce:p:ss').toString('base64')}` },
    });
    expect(credentialsToHeader('https://host/x', {})).toEqual({ url: 'https://host/x', headers: {} });
    expect(() => credentialsToHeader('https://a:b@host/', { authorization: 'Bearer x' })).toThrow('keep one of them');
  });
});

describe('keepMasked', () => {
  const stored = { url: 'https://host/hook?token=real-token-1', headers: { 'X-Key': 'real-key-1', 'X-Other': 'o' } };
  it('keeps the stored URL and header values the API showed as •••, takes typed ones', () => {
    expect(keepMasked({ url: 'https://host/hook?token=•••', headers: { 'x-key': '•••', 'X-New': 'n' } }, stored)).toEqual({
      url: stored.url,
      headers: { 'x-key': 'real-key-1', 'X-New': 'n' },
    });
    expect(keepMasked({ url: 'https://host/hook?token=typed' }, stored)).toEqual({ url: 'https://host/hook?token=typed' });
  });
  it('refuses a ••• that stands for nothing stored', () => {
    expect(() => keepMasked({ url: 'https://other/hook?token=•••' }, stored)).toThrow('The URL still contains •••');
    expect(() => keepMasked({ headers: { 'X-Missing': '•••' } }, stored)).toThrow('Header "X-Missing" is •••');
    expect(() => keepMasked({ url: 'https://host/hook?token=•••' }, undefined)).toThrow('The URL still contains •••');
  });
});

describe('maskText', () => {
  it('cuts every secret value of a hook and any URL credentials from a text', () => {
    const secrets = secretValues({ url: 'https://u:pw-123456@host/p?token=tok-123456', headers: { 'X-Key': 'key-123456' }, secret: 'sig-123456' });
    const text = maskText('failed https://u:pw-123456@host/p?token=tok-123456 with key-123456 and sig-123456; also ftp://x:y@z/', secrets);
    expect(text).not.toMatch(/123456|x:y/);
    expect(text).toContain('ftp://•••@z/');
  });
});
