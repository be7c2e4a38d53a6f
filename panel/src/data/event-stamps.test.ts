import { describe, expect, it } from 'vitest';
import { EventStamps } from './event-stamps.ts';

describe('EventStamps', () => {
  it('takes the answer where no event came after the request', () => {
    const stamps = new EventStamps<string>();
    stamps.touch('a');
    const asked = stamps.now();
    expect(stamps.merge(new Map([['a', 40], ['b', 10]]), new Map([['a', 30]]), asked)).toEqual(new Map([['a', 40], ['b', 10]]));
  });

  it('keeps what an event changed while the answer was on its way', () => {
    const stamps = new EventStamps<string>();
    const asked = stamps.now();
    stamps.touch('a');
    // The answer was computed at 20 %, the progress event since then said 35 %.
    expect(stamps.merge(new Map([['a', 20], ['b', 10]]), new Map([['a', 35]]), asked)).toEqual(new Map([['a', 35], ['b', 10]]));
  });

  it('keeps an entry an event removed meanwhile out of the older answer', () => {
    const stamps = new EventStamps<string>();
    const asked = stamps.now();
    stamps.touch('gone');
    expect(stamps.merge(new Map([['gone', 1], ['b', 2]]), new Map<string, number>(), asked)).toEqual(new Map([['b', 2]]));
  });
});
