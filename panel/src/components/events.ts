/** Custom events: one class each, so listeners get a typed payload. */
import { toUrl } from '../base.ts';

export type ToastKind = 'info' | 'ok' | 'error' | 'warn';

/** Any element can ask the shell to show a short message; it bubbles out of shadow roots. */
export class ToastEvent extends Event {
  static readonly eventName = 'aw-toast';
  readonly message: string;
  readonly kind: ToastKind;

  constructor(message: string, kind: ToastKind = 'info') {
    super(ToastEvent.eventName, { bubbles: true, composed: true });
    this.message = message;
    this.kind = kind;
  }
}

/** Fired on window when the panel changes route without a page load. */
export class RouteChangeEvent extends Event {
  static readonly eventName = 'aw-route-change';

  constructor() {
    super(RouteChangeEvent.eventName);
  }
}

/** A dialog was closed; `confirmed` says which button, `checked` the optional checkbox. */
export class DialogCloseEvent extends Event {
  static readonly eventName = 'aw-dialog-close';
  readonly confirmed: boolean;
  readonly checked: boolean;

  constructor(confirmed: boolean, checked: boolean) {
    super(DialogCloseEvent.eventName, { bubbles: true, composed: true });
    this.confirmed = confirmed;
    this.checked = checked;
  }
}

/** A queue row asked to move; `delta` is -1 (up) or +1 (down). */
export class ReorderEvent extends Event {
  static readonly eventName = 'aw-reorder';
  readonly itemId: string;
  readonly delta: number;

  constructor(itemId: string, delta: number) {
    super(ReorderEvent.eventName, { bubbles: true, composed: true });
    this.itemId = itemId;
    this.delta = delta;
  }
}

declare global {
  interface HTMLElementEventMap {
    'aw-toast': ToastEvent;
    'aw-dialog-close': DialogCloseEvent;
    'aw-reorder': ReorderEvent;
  }
  interface WindowEventMap {
    'aw-route-change': RouteChangeEvent;
    'aw-leave-request': LeaveRequestEvent;
  }
}

/**
 * Asked on window before the user leaves a page (a link, Back). A page with unsaved work calls
 * preventDefault(); the shell then asks whether to leave.
 */
export class LeaveRequestEvent extends Event {
  static readonly eventName = 'aw-leave-request';

  constructor() {
    super(LeaveRequestEvent.eventName, { cancelable: true });
  }
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', toUrl(path));
  else history.pushState(null, '', toUrl(path));
  window.dispatchEvent(new RouteChangeEvent());
}

/** An ordered choice list changed; `value` is the new order of the enabled entries. */
export class OrderChangeEvent extends Event {
  static readonly eventName = 'aw-order-change';
  readonly value: string[];

  constructor(value: string[]) {
    super(OrderChangeEvent.eventName, { bubbles: true, composed: true });
    this.value = value;
  }
}

declare global {
  interface HTMLElementEventMap {
    'aw-order-change': OrderChangeEvent;
  }
}

/** A config backup was restored; the settings form reloads from `config`. */
export class ConfigRestoredEvent extends Event {
  static readonly eventName = 'aw-config-restored';
  readonly config: unknown;

  constructor(config: unknown) {
    super(ConfigRestoredEvent.eventName, { bubbles: true, composed: true });
    this.config = config;
  }
}

declare global {
  interface HTMLElementEventMap {
    'aw-config-restored': ConfigRestoredEvent;
  }
}
