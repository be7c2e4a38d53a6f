import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../backend/downloads/token-bucket.ts';

/** A clock that only moves when the bucket sleeps: the bucket's arithmetic without real time. */
function virtualBucket(bytesPerSecond: number) {
  let now = 0;
  const bucket = new TokenBucket({
    bytesPerSecond,
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  });
  return { bucket, elapsed: () => now };
}

describe('TokenBucket', () => {
  it('passes everything at once when the limit is 0', async () => {
    const { bucket, elapsed } = virtualBucket(0);
    for (let index = 0; index < 100; index++) await bucket.take(1 << 20);
    expect(elapsed()).toBe(0);
  });

  it('lets bytes through at the configured rate, shared by several takers', async () => {
    const { bucket, elapsed } = virtualBucket(1_000_000);
    const taker = async () => {
      for (let index = 0; index < 50; index++) await bucket.take(64 * 1024);
    };
    await Promise.all([taker(), taker(), taker()]);
    const bytes = 3 * 50 * 64 * 1024;
    // The first quarter second of burst is free; the rest is paid at 1 MB/s.
    expect(elapsed() / 1000).toBeGreaterThanOrEqual((bytes - 250_000) / 1_000_000 - 0.01);
    expect(elapsed() / 1000).toBeLessThanOrEqual(bytes / 1_000_000 + 0.3);
  });

  it('applies a new rate to transfers already waiting', async () => {
    const { bucket, elapsed } = virtualBucket(10_000);
    await bucket.take(2500);
    bucket.setRate(0);
    await bucket.take(10_000_000);
    expect(elapsed()).toBe(0);
    bucket.setRate(100_000);
    for (let index = 0; index < 10; index++) await bucket.take(50_000);
    expect(elapsed() / 1000).toBeGreaterThan(4);
    expect(elapsed() / 1000).toBeLessThan(5.5);
  });

  it('stops waiting when aborted', async () => {
    const bucket = new TokenBucket({ bytesPerSecond: 1 });
    await bucket.take(16 * 1024);
    const controller = new AbortController();
    const waiting = bucket.take(16 * 1024, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toThrow(/aborted/);
  });
});
