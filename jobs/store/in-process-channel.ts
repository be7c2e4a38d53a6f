import { BaseNotificationChannel, type JobNotification, type JobStateNotification } from 'agenda';

/**
 * Agenda's notification channel within one process, shared by every Agenda on one backend.
 *
 * Unlike Agenda's InMemoryNotificationChannel:
 * - A notification is delivered on the next turn of the event loop, as a networked channel
 *   (PostgreSQL, Redis) delivers it: `agenda.now()` resolves once the job is stored, before it
 *   starts, so a caller's `start`/`complete` listener set up after it sees the events, and an HTTP
 *   request that queues a job does not wait for it to be locked and started.
 * - It counts its users: Agenda's start() connects it and stop() disconnects it, so a second Agenda
 *   on the same backend keeps its subscriptions and its immediate starts when the first one stops.
 */
export class InProcessNotificationChannel extends BaseNotificationChannel {
  #users = 0;

  async connect(): Promise<void> {
    this.#users += 1;
    this.setState('connected');
  }

  /** Disconnects when the last user leaves; a disconnect with no user left changes nothing. */
  async disconnect(): Promise<void> {
    if (this.#users > 0) this.#users -= 1;
    if (this.#users > 0) return;
    this.handlers.clear();
    this.stateHandlers.clear();
    this.setState('disconnected');
  }

  async publish(notification: JobNotification): Promise<void> {
    if (this._state !== 'connected') throw new Error('Cannot publish: channel not connected');
    setImmediate(() => void this.notifyHandlers(notification));
  }

  async publishState(notification: JobStateNotification): Promise<void> {
    if (this._state !== 'connected') throw new Error('Cannot publish state: channel not connected');
    setImmediate(() => void this.notifyStateHandlers(notification));
  }
}
