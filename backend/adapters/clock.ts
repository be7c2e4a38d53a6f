/** Time comes from here so that tests can move it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export class FakeClock implements Clock {
  #time: number;
  constructor(start: Date | number = Date.UTC(2026, 0, 1)) {
    this.#time = typeof start === 'number' ? start : start.getTime();
  }
  now(): Date {
    return new Date(this.#time);
  }
  advance(milliseconds: number): void {
    this.#time += milliseconds;
  }
}
