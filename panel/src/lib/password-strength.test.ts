import { describe, expect, it } from 'vitest';
import { checkPassword } from './password-strength.ts';

// The same examples the server's policy (auth.schema.ts) accepts and refuses.
describe('checkPassword', () => {
  it('accepts a password that meets every rule', () => {
    const result = checkPassword('Correct-Horse-9');
    expect(result.acceptable).toBe(true);
    expect(result.rules.every((rule) => rule.met)).toBe(true);
    expect(result.score).toBe(4);
    expect(result.label).toBe('Strong');
  });

  it('names each missing rule', () => {
    const missing = (password: string) =>
      checkPassword(password)
        .rules.filter((rule) => !rule.met)
        .map((rule) => rule.id);
    expect(missing('short1!A')).toEqual([]);
    expect(missing('Sh0rt!')).toEqual(['length']);
    expect(missing('alllowercase1!')).toEqual(['upper']);
    expect(missing('ALLUPPERCASE1!')).toEqual(['lower']);
    expect(missing('NoDigitsHere!')).toEqual(['digit']);
    expect(missing('NoSymbols123')).toEqual(['symbol']);
  });

  it('counts spaces and non-ASCII characters as symbols, like the server', () => {
    expect(checkPassword('Pass word 1').acceptable).toBe(true);
    expect(checkPassword('Passwört12').acceptable).toBe(true);
  });

  it('scores from empty to strong', () => {
    expect(checkPassword('').score).toBe(0);
    expect(checkPassword('abc').score).toBe(1);
    expect(checkPassword('Abcdefg1').score).toBe(2);
    expect(checkPassword('Abcdef1!').score).toBe(3);
    expect(checkPassword('Abcdef1!').label).toBe('Good');
  });

  it('refuses what the server refuses: more than 256 characters', () => {
    expect(checkPassword(`Aa1!${'x'.repeat(253)}`).acceptable).toBe(false);
  });
});
