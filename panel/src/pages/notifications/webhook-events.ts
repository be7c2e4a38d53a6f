import type { Webhook } from '../../data/webhooks.ts';

/** The webhook form saved a hook (created or updated). */
export class WebhookSavedEvent extends Event {
  static readonly eventName = 'aw-webhook-saved';
  readonly hook: Webhook;

  constructor(hook: Webhook) {
    super(WebhookSavedEvent.eventName, { bubbles: true, composed: true });
    this.hook = hook;
  }
}

declare global {
  interface HTMLElementEventMap {
    'aw-webhook-saved': WebhookSavedEvent;
  }
}
