import { describe, expect, it, vi } from 'vitest';
import { backoffDelay, LiveConnection, type LiveState } from './live.ts';

/** A stand-in for the browser WebSocket: the test plays the server's part. */
class FakeSocket extends EventTarget {
  readonly url: string;
  readonly sent: unknown[] = [];
  constructor(url: string) {
    super();
    this.url = url;
  }
  send(data: string): void { this.sent.push(JSON.parse(data)); }
  close(): void {}
  open(): void { this.dispatchEvent(new Event('open')); }
  message(data: unknown): void { this.dispatchEvent(new MessageEvent('message', { data: JSON.stringify(data) })); }
  closeWith(code: number): void { this.dispatchEvent(Object.assign(new Event('close'), { code })); }
}

function connection(token: string | undefined = 'tok en') {
  const sockets: FakeSocket[] = [];
  const onUnauthorized = vi.fn();
  const live = new LiveConnection({ url: () => 'ws://panel.test/ws/connect', token: () => token, onUnauthorized, createSocket: (url) => { const socket = new FakeSocket(url); sockets.push(socket); return socket as unknown as WebSocket; } });
  const states: LiveState[] = [];
  live.onState((state) => states.push(state));
  return { live, sockets, states, onUnauthorized };
}

describe('backoffDelay', () => {
  it('doubles from one second up to thirty, with jitter', () => {
    const middle = () => 0.5;
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((attempt) => backoffDelay(attempt, middle))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    expect(backoffDelay(0, () => 0)).toBe(750);
    expect(backoffDelay(0, () => 1)).toBe(1250);
  });
});

describe('LiveConnection', () => {
  it('sends the token, joins the rooms and hands out messages by type', () => {
    const { live, sockets, states } = connection();
    const progress = vi.fn();
    const everything = vi.fn();
    live.subscribe('download_progress', progress);
    live.subscribe('*', everything);
    live.start();
    expect(sockets[0].url).toBe('ws://panel.test/ws/connect?token=tok%20en');
    sockets[0].open();
    expect(sockets[0].sent).toEqual([{ action: 'join', room: 'downloads' }, { action: 'join', room: 'download_progress' }, { action: 'join', room: 'scan_progress' }]);
    sockets[0].message({ type: 'download_progress', timestamp: 't', data: { progress: 50 } });
    sockets[0].message({ type: 'scan_started', timestamp: 't', data: {} });
    sockets[0].dispatchEvent(new MessageEvent('message', { data: 'not json' }));
    expect(progress).toHaveBeenCalledTimes(1);
    expect(everything).toHaveBeenCalledTimes(2);
    expect(states).toEqual(['connecting', 'open']);
  });

  it('reconnects after a drop and stops listening after unsubscribe', () => {
    vi.useFakeTimers();
    try {
      const { live, sockets, states } = connection();
      const listener = vi.fn();
      const unsubscribe = live.subscribe('queue_status', listener);
      live.start();
      sockets[0].open();
      sockets[0].closeWith(1006);
      expect(states.at(-1)).toBe('reconnecting');
      vi.advanceTimersByTime(1300);
      expect(sockets).toHaveLength(2);
      sockets[1].open();
      expect(states.at(-1)).toBe('open');
      unsubscribe();
      sockets[1].message({ type: 'queue_status', timestamp: 't', data: {} });
      expect(listener).not.toHaveBeenCalled();
      live.stop();
      expect(states.at(-1)).toBe('idle');
    } finally {
      vi.useRealTimers();
    }
  });

  it('treats close code 4401 as a lost session and does not retry', () => {
    vi.useFakeTimers();
    try {
      const { live, sockets, onUnauthorized, states } = connection();
      live.start();
      sockets[0].closeWith(4401);
      vi.advanceTimersByTime(60_000);
      expect(sockets).toHaveLength(1);
      expect(onUnauthorized).toHaveBeenCalledTimes(1);
      expect(states.at(-1)).toBe('unauthorized');
    } finally {
      vi.useRealTimers();
    }
  });
});
