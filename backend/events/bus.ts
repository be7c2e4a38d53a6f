import type { Logger } from '../adapters/logger.ts';

/**
 * Domain events. The WebSocket hub and the webhook notifier subscribe; nothing else fans out.
 * Every series-related payload carries `key` (and `folder`). Add a type here before publishing it.
 */
export interface DomainEventMap {
  download_added: { item_id: string; key: string; folder: string; season: number; episode: number; [extra: string]: unknown };
  /** A download attempt began (the item is now downloading). */
  download_started: { item_id: string; key: string; folder: string; season: number; episode: number; attempt: number; [extra: string]: unknown };
  download_progress: { item_id: string; key: string; folder: string; season: number; episode: number; progress: number; downloaded_bytes: number; total_bytes: number | null; speed: number; eta: number | null; [extra: string]: unknown };
  download_complete: { item_id: string; key: string; folder: string; season: number; episode: number; file_path: string; [extra: string]: unknown };
  download_failed: { item_id: string; key: string; folder: string; season: number; episode: number; error: string; [extra: string]: unknown };
  /** An upgrade completed: the episode's file in `from_language` was replaced by one in `to_language`. */
  episode_upgraded: { item_id: string; key: string; folder: string; season: number; episode: number; from_language: string; to_language: string; file_path: string; [extra: string]: unknown };
  download_removed: { item_id: string; key: string; folder: string; [extra: string]: unknown };
  queue_status: Record<string, unknown>;
  queue_started: Record<string, unknown>;
  queue_stopped: Record<string, unknown>;
  queue_paused: Record<string, unknown>;
  queue_resumed: Record<string, unknown>;
  scan_started: { scope: 'library' | 'series'; key?: string; folder?: string; [extra: string]: unknown };
  scan_progress: { current: number; total: number; key?: string; folder?: string; [extra: string]: unknown };
  scan_complete: { scope: 'library' | 'series'; key?: string; folder?: string; [extra: string]: unknown };
  scan_failed: { scope: 'library' | 'series'; error: string; key?: string; folder?: string; [extra: string]: unknown };
  series_added: { key: string; folder: string; name: string; [extra: string]: unknown };
  /** A provider refresh stored the episode list; `new_episodes` counts episodes it had not listed before. */
  series_refreshed: { key: string; folder: string; name: string; new_episodes: number; episodes: number; seasons: number; [extra: string]: unknown };
  series_removed: { key: string; folder: string; [extra: string]: unknown };
  /** Existing files were renamed to the naming templates (counts: episodes, all files moved, clashes left, failures). */
  episodes_renamed: { key: string; folder: string; renamed: number; files: number; clashes: number; failed: number; [extra: string]: unknown };
  episode_available: { key: string; folder: string; season: number; episode: number; [extra: string]: unknown };
  /** A refresh found episodes the provider now offers in more languages (the queue looks for language upgrades among them). */
  languages_offered: { key: string; folder: string; episodes: { season: number; episode: number }[]; [extra: string]: unknown };
  /** A folder the import would offer appeared or went away, or was ignored or taken back (the import page reloads). */
  import_folder_changed: { folder: string; change: 'added' | 'removed' | 'ignored' | 'unignored'; [extra: string]: unknown };
  health_issue: { component: string; message: string; [extra: string]: unknown };
  /** A check no machine passed waits for a person (`waiting`), then `passed` or `gave_up`. */
  provider_check: { site: string; url: string; reason: string; state: 'waiting' | 'passed' | 'gave_up'; [extra: string]: unknown };
  notification: { level: 'info' | 'warning' | 'error'; message: string; [extra: string]: unknown };
}

export type DomainEventType = keyof DomainEventMap;

export interface DomainEvent<K extends DomainEventType = DomainEventType> {
  readonly type: K;
  readonly timestamp: string;
  readonly data: DomainEventMap[K];
}

export type EventListener = (event: DomainEvent) => void;

export interface SubscribeOptions {
  /**
   * Only events published in this process, not those an event bridge republished from another
   * (scale-out). The webhook notifier records each event once, in the process where it happened.
   */
  readonly localOnly?: boolean;
}

export class EventBus {
  /** Listener -> localOnly. */
  readonly #listeners = new Map<EventListener, boolean>();
  readonly #logger: Logger | undefined;
  readonly #now: () => Date;

  constructor(options: { logger?: Logger; now?: () => Date } = {}) {
    this.#logger = options.logger;
    this.#now = options.now ?? (() => new Date());
  }

  publish<K extends DomainEventType>(type: K, data: DomainEventMap[K]): void {
    this.#deliver({ type, timestamp: this.#now().toISOString(), data } as DomainEvent, false);
  }

  /** Hands an event another process published to this process's subscribers (not the localOnly ones). */
  republish(event: DomainEvent): void {
    this.#deliver(event, true);
  }

  #deliver(event: DomainEvent, remote: boolean): void {
    for (const [listener, localOnly] of this.#listeners) {
      if (remote && localOnly) continue;
      // A failing subscriber must not break the publisher or the other subscribers.
      try {
        listener(event);
      } catch (error) {
        this.#logger?.error({ err: error, event: event.type }, 'event listener failed');
      }
    }
  }

  subscribe(listener: EventListener, options: SubscribeOptions = {}): () => void {
    this.#listeners.set(listener, options.localOnly ?? false);
    return () => { this.#listeners.delete(listener); };
  }
}
