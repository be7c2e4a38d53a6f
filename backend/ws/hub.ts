import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { Logger } from '../adapters/logger.ts';
import type { Orm } from '../db/orm.ts';
import { inContext } from '../db/context.ts';
import type { DomainEvent, EventBus } from '../events/bus.ts';
import type { AuthService, Principal } from '../modules/auth/auth.service.ts';
import { ProgressCoalescer } from './progress-coalescer.ts';
import { isRoom, roomFor, ROOMS, type Room } from './rooms.ts';
import { CLOSE_GOING_AWAY, CLOSE_UNAUTHENTICATED, clientMessageSchema, frame, type ClientMessage } from './messages.ts';

export interface LiveEventsOptions {
  readonly path: string;
  /** How long a socket without credentials in the URL may take to send `{"action":"auth"}`. */
  readonly authTimeoutMs: number;
  /** Ping interval; a socket that missed one pong is terminated, sessions are re-checked. */
  readonly heartbeatMs: number;
  /** A client whose unsent data passes this is dropped instead of buffering without bound. */
  readonly maxBufferedBytes: number;
  /** Minimum gap between two progress messages of one download. */
  readonly progressIntervalMs: number;
}

export const DEFAULT_LIVE_EVENTS_OPTIONS: LiveEventsOptions = {
  path: '/ws/connect',
  authTimeoutMs: 5000,
  heartbeatMs: 30_000,
  maxBufferedBytes: 1024 * 1024,
  progressIntervalMs: 500,
};

type Credential = { readonly kind: 'token' | 'api_key'; readonly value: string };

interface Client {
  readonly socket: WebSocket;
  readonly rooms: Set<Room>;
  credential: Credential | undefined;
  principal: Principal | undefined;
  alive: boolean;
  authTimer: NodeJS.Timeout | undefined;
  /** Messages are handled one after another so that `join` right after `auth` sees the principal. */
  inbox: Promise<void>;
}

const TERMINAL_DOWNLOAD_EVENTS = new Set(['download_complete', 'download_failed', 'download_removed']);

/**
 * The WebSocket hub: authenticates sockets on /ws/connect, keeps their rooms and forwards
 * domain events from the bus. Progress is coalesced once for all clients and each message is
 * serialised once, whatever the number of clients.
 */
export class LiveEventHub {
  readonly #orm: Orm;
  readonly #auth: AuthService;
  readonly #events: EventBus;
  readonly #logger: Logger;
  readonly #options: LiveEventsOptions;
  readonly #clients = new Set<Client>();
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024, perMessageDeflate: false });
  readonly #coalescer: ProgressCoalescer;
  #server: Server | undefined;
  #unsubscribe: (() => void) | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #closing = false;

  constructor(deps: { orm: Orm; auth: AuthService; events: EventBus; logger: Logger; options?: Partial<LiveEventsOptions> }) {
    this.#orm = deps.orm;
    this.#auth = deps.auth;
    this.#events = deps.events;
    this.#logger = deps.logger.child({ component: 'ws' });
    this.#options = { ...DEFAULT_LIVE_EVENTS_OPTIONS, ...deps.options };
    this.#coalescer = new ProgressCoalescer(this.#options.progressIntervalMs, (events) => this.#broadcast(events));
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  attach(server: Server): void {
    this.#server = server;
    server.on('upgrade', this.#onUpgrade);
    this.#unsubscribe = this.#events.subscribe((event) => this.#onEvent(event));
    this.#heartbeat = setInterval(() => void this.#beat(), this.#options.heartbeatMs);
    this.#heartbeat.unref();
  }

  /** Tells every client the server is going away, then cuts whoever does not leave quickly. */
  async close(graceMs = 1000): Promise<void> {
    this.#closing = true;
    this.#unsubscribe?.();
    clearInterval(this.#heartbeat);
    this.#coalescer.close();
    this.#server?.off('upgrade', this.#onUpgrade);
    const gone = [...this.#clients].map(
      (client) =>
        new Promise<void>((resolve) => {
          if (client.socket.readyState === WebSocket.CLOSED) return resolve();
          client.socket.once('close', () => resolve());
          client.socket.close(CLOSE_GOING_AWAY, 'server shutting down');
        }),
    );
    const timer = setTimeout(() => {
      for (const client of this.#clients) client.socket.terminate();
    }, graceMs);
    await Promise.all(gone);
    clearTimeout(timer);
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  readonly #onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== this.#options.path || this.#closing) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.#wss.handleUpgrade(request, socket, head, (ws) => this.#onConnection(ws, request, url));
  };

  #onConnection(socket: WebSocket, request: IncomingMessage, url: URL): void {
    const client: Client = {
      socket,
      rooms: new Set(),
      credential: undefined,
      principal: undefined,
      alive: true,
      authTimer: undefined,
      inbox: Promise.resolve(),
    };
    this.#clients.add(client);
    socket.on('pong', () => {
      client.alive = true;
    });
    const handle = (work: () => Promise<void>) => {
      client.inbox = client.inbox.then(work).catch((error) => {
        this.#logger.error({ err: error }, 'websocket message failed');
        socket.close(1011, 'internal error');
      });
    };
    socket.on('message', (raw, isBinary) => handle(() => this.#onMessage(client, raw, isBinary)));
    socket.on('close', () => this.#forget(client));
    socket.on('error', (error) => this.#logger.debug({ err: error }, 'websocket error'));

    const credential = credentialFrom(request, url);
    if (credential) {
      handle(() => this.#authenticate(client, credential));
      return;
    }
    client.authTimer = setTimeout(() => {
      if (!client.principal) socket.close(CLOSE_UNAUTHENTICATED, 'authentication timeout');
    }, this.#options.authTimeoutMs);
  }

  async #onMessage(client: Client, raw: RawData, isBinary: boolean): Promise<void> {
    const message = isBinary ? undefined : parseMessage(raw);
    if (!client.principal) {
      if (message?.action === 'auth' && (message.token || message.api_key)) {
        return this.#authenticate(client, message.token ? { kind: 'token', value: message.token } : { kind: 'api_key', value: message.api_key! });
      }
      client.socket.close(CLOSE_UNAUTHENTICATED, 'authentication required');
      return;
    }
    if (!message) return this.#reply(client, 'error', { code: 'bad_message', message: 'Messages are JSON: {"action": "join" | "leave" | "ping", ...}' });
    switch (message.action) {
      case 'auth':
        return this.#reply(client, 'error', { code: 'already_authenticated', message: 'This socket is already authenticated' });
      case 'ping':
        return this.#reply(client, 'pong', {});
      case 'join':
      case 'leave': {
        if (!isRoom(message.room))
          return this.#reply(client, 'error', { code: 'unknown_room', message: `Unknown room "${message.room}"; rooms are ${ROOMS.join(', ')}` });
        if (message.action === 'join') client.rooms.add(message.room);
        else client.rooms.delete(message.room);
        return this.#reply(client, message.action === 'join' ? 'joined' : 'left', { room: message.room, rooms: [...client.rooms] });
      }
    }
  }

  async #authenticate(client: Client, credential: Credential): Promise<void> {
    clearTimeout(client.authTimer);
    const principal = await this.#verify(credential);
    if (!principal) {
      client.socket.close(CLOSE_UNAUTHENTICATED, 'invalid or expired credentials');
      return;
    }
    client.credential = credential;
    client.principal = principal;
    this.#reply(client, 'connected', { rooms: ROOMS });
  }

  #verify(credential: Credential): Promise<Principal | undefined> {
    return inContext(this.#orm, () =>
      credential.kind === 'token' ? this.#auth.authenticateToken(credential.value) : this.#auth.authenticateApiKey(credential.value),
    );
  }

  #onEvent(event: DomainEvent): void {
    if (event.type === 'download_progress') {
      this.#coalescer.push(event as DomainEvent<'download_progress'>);
      return;
    }
    if (TERMINAL_DOWNLOAD_EVENTS.has(event.type)) this.#coalescer.settle(String((event.data as { item_id: string }).item_id));
    this.#broadcast([event]);
  }

  /** Events of one room, serialised once and written to each member's socket in one go. */
  #broadcast(events: readonly DomainEvent[]): void {
    const room = roomFor(events[0].type);
    let frames: Buffer[] | undefined;
    for (const client of this.#clients) {
      if (!client.principal || (room !== null && !client.rooms.has(room))) continue;
      frames ??= events.map((event) => frame(event.type, event.timestamp, event.data));
      if (frames.length === 1) {
        this.#send(client, frames[0]);
        continue;
      }
      const raw = rawSocket(client.socket);
      raw?.cork();
      for (const bytes of frames) this.#send(client, bytes);
      raw?.uncork();
    }
  }

  #reply(client: Client, type: string, data: unknown): void {
    this.#send(client, frame(type, new Date().toISOString(), data));
  }

  #send(client: Client, bytes: Buffer): void {
    const socket = client.socket;
    if (socket.readyState !== WebSocket.OPEN) return;
    if (socket.bufferedAmount > this.#options.maxBufferedBytes) {
      // A client that stopped reading must not make the process buffer for it without bound.
      this.#logger.warn({ buffered_bytes: socket.bufferedAmount }, 'dropping a websocket client that does not keep up');
      socket.terminate();
      this.#forget(client);
      return;
    }
    socket.send(bytes, { binary: false });
  }

  #forget(client: Client): void {
    clearTimeout(client.authTimer);
    this.#clients.delete(client);
  }

  /** Terminates sockets that missed a pong and closes those whose session ended (logout, expiry, key rotation). */
  async #beat(): Promise<void> {
    this.#coalescer.sweep();
    const checks = new Map<string, Promise<Principal | undefined>>();
    for (const client of [...this.#clients]) {
      if (!client.alive) {
        client.socket.terminate();
        this.#forget(client);
        continue;
      }
      client.alive = false;
      client.socket.ping();
      const credential = client.credential;
      if (!credential) continue;
      const id = `${credential.kind}:${credential.value}`;
      if (!checks.has(id))
        checks.set(
          id,
          this.#verify(credential).catch(() => client.principal),
        );
      const principal = await checks.get(id);
      if (!principal && client.socket.readyState === WebSocket.OPEN) client.socket.close(CLOSE_UNAUTHENTICATED, 'session ended');
    }
  }
}

/**
 * The TCP socket under a ws connection, to cork a batch into one write. ws keeps it as
 * `_socket`; without it (another ws version) each message simply goes out on its own.
 */
function rawSocket(socket: WebSocket): { cork(): void; uncork(): void } | undefined {
  const raw = (socket as unknown as { _socket?: { cork?: () => void; uncork?: () => void } })._socket;
  return raw?.cork && raw.uncork ? (raw as { cork(): void; uncork(): void }) : undefined;
}

function credentialFrom(request: IncomingMessage, url: URL): Credential | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  const token = url.searchParams.get('token') ?? bearer;
  if (token) return { kind: 'token', value: token };
  const header = request.headers['x-api-key'];
  const apiKey = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('api_key');
  return apiKey ? { kind: 'api_key', value: apiKey } : undefined;
}

function parseMessage(raw: RawData): ClientMessage | undefined {
  try {
    const result = clientMessageSchema.safeParse(JSON.parse(String(raw)));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}
