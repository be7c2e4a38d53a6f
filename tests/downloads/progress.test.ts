import { describe, expect, it } from 'vitest';
import { ProgressMeter, type TransferProgress } from '../../backend/downloads/progress.ts';

describe('ProgressMeter', () => {
  it('reports at most twice a second, with speed, percent and ETA, and always a final report', () => {
    let now = 0;
    const reports: { at: number; progress: TransferProgress }[] = [];
    const meter = new ProgressMeter({ emit: (progress) => reports.push({ at: now, progress }), total: 10_000_000, now: () => now });
    // 10 s of 1 MB/s in 1 ms steps of 1000 bytes.
    for (let step = 0; step < 10_000; step++) {
      now += 1;
      meter.add(1000);
    }
    for (let second = 0; second < 10; second++) {
      expect(reports.filter((report) => report.at > second * 1000 && report.at <= (second + 1) * 1000).length).toBeLessThanOrEqual(2);
    }
    const middle = reports.find((report) => report.at >= 5000)!.progress;
    expect(middle.percent).toBeCloseTo(50, 0);
    expect(middle.speed).toBeGreaterThan(900_000);
    expect(middle.speed).toBeLessThan(1_100_000);
    expect(middle.etaSeconds).toBeGreaterThanOrEqual(4);
    expect(middle.etaSeconds).toBeLessThanOrEqual(6);
    meter.finish();
    expect(reports.at(-1)!.progress).toMatchObject({ bytes: 10_000_000, percent: 100, etaSeconds: 0 });
  });

  it('uses the segment fraction for HLS, where the total is only an estimate', () => {
    let now = 0;
    const reports: TransferProgress[] = [];
    const meter = new ProgressMeter({ emit: (progress) => reports.push(progress), now: () => now });
    meter.setFraction(0.25);
    meter.setTotal(4_000_000);
    now += 600;
    meter.add(1_000_000);
    expect(reports.at(-1)).toMatchObject({ percent: 25, total: 4_000_000 });
  });
});
