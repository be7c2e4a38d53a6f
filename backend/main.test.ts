import { describe, expect, it } from 'vitest';
import { openLine } from './main.ts';

describe('the start-up line', () => {
  it('names an address a browser can open, with the base path', () => {
    expect(openLine('0.0.0.0', 8000, '')).toBe('AniWorld is running: open http://localhost:8000/ in your browser.');
    expect(openLine('::', 8000, '/aniworld')).toBe('AniWorld is running: open http://localhost:8000/aniworld/ in your browser.');
    expect(openLine('192.168.1.5', 9000, '/aniworld/')).toBe('AniWorld is running: open http://192.168.1.5:9000/aniworld/ in your browser.');
    expect(openLine('fd00::5', 8000, undefined)).toBe('AniWorld is running: open http://[fd00::5]:8000/ in your browser.');
  });
});
