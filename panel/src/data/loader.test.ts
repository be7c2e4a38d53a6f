import { describe, expect, it } from 'vitest';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { Loader } from './loader.ts';

/** A host that only counts update requests: the loader needs nothing else from an element. */
function host(): ReactiveControllerHost & { controllers: ReactiveController[]; updates: number } {
  const fake = {
    controllers: [] as ReactiveController[],
    updates: 0,
    addController(controller: ReactiveController) { fake.controllers.push(controller); },
    removeController() {},
    requestUpdate() { fake.updates += 1; },
    updateComplete: Promise.resolve(true),
  };
  return fake;
}

/** A load the test answers by hand, one per run, in any order. */
function answers<T>() {
  const runs: { signal: AbortSignal; resolve: (value: T) => void; reject: (error: Error) => void }[] = [];
  const load = (signal: AbortSignal) => new Promise<T>((resolve, reject) => { runs.push({ signal, resolve, reject }); });
  return { runs, load };
}

describe('Loader', () => {
  it('keeps only the latest run: an earlier run is aborted and its late answer dropped', async () => {
    const { runs, load } = answers<string>();
    const loader = new Loader(host(), load);
    const first = loader.run();
    const second = loader.run({ reset: true });
    expect(runs[0].signal.aborted).toBe(true);
    runs[1].resolve('b');
    await second;
    runs[0].resolve('a');
    await first;
    expect(loader.value).toBe('b');
    expect(loader.status).toBe('complete');
  });

  it('a whole state from an event ends the running load, whose older answer is dropped', async () => {
    const { runs, load } = answers<string>();
    const loader = new Loader(host(), load);
    const running = loader.run();
    loader.set('from the event');
    expect(runs[0].signal.aborted).toBe(true);
    runs[0].resolve('asked for before the event');
    await running;
    expect(loader.value).toBe('from the event');
  });

  it('changes made while a load is out apply to its answer too, in order', async () => {
    const { runs, load } = answers<number[]>();
    const loader = new Loader(host(), load);
    const first = loader.run();
    runs[0].resolve([10]);
    await first;
    const reload = loader.run();
    loader.update((value) => [...value, 40]);
    loader.update((value) => value.map((n) => n + 1));
    expect(loader.value).toEqual([11, 41]);
    runs[1].resolve([20]);
    await reload;
    expect(loader.value).toEqual([21, 41]);
  });

  it('keeps the shown value and reports the error of a failed reload; a disconnect drops the answer', async () => {
    const { runs, load } = answers<string>();
    const fake = host();
    const loader = new Loader(fake, load);
    const first = loader.run();
    runs[0].resolve('shown');
    await first;
    const failing = loader.run();
    runs[1].reject(new Error('the server did not answer'));
    await failing;
    expect(loader.status).toBe('error');
    expect(loader.value).toBe('shown');
    expect((loader.error as Error).message).toBe('the server did not answer');

    const left = loader.run();
    fake.controllers[0].hostDisconnected?.();
    expect(runs[2].signal.aborted).toBe(true);
    runs[2].resolve('too late');
    await left;
    expect(loader.value).toBe('shown');
    expect(loader.status).toBe('complete');
  });
});
