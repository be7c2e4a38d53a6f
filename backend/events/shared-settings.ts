import type { Logger } from '../adapters/logger.ts';
import type { SettingsStore } from '../../config/store.ts';
import type { EventBridge } from './bridge.ts';

const SETTINGS_CHANGED = 'settings_changed';
/** A signal lost while the connection was down is caught by this look at the file. */
const RECHECK_MS = 60_000;

/**
 * Scale-out: every process reads its settings from the one config file on the shared volume. A
 * change saved by one process (through the API) is signalled to the others, which read the file
 * again, so a speed limit or concurrency set in the panel applies on every worker at once.
 * Returns the stop function.
 */
export function shareSettings(options: { settings: SettingsStore; bridge: EventBridge; logger: Logger; recheckMs?: number }): () => void {
  const { settings, bridge } = options;
  const logger = options.logger.child({ component: 'settings' });
  const reload = (why: string) => {
    settings.reload().then(
      (changed) => {
        if (changed) logger.info({ why }, 'settings changed by another process; applied');
      },
      (error) => logger.warn({ err: error, why }, 'the settings file another process wrote could not be applied; the current settings stay'),
    );
  };
  const unsubscribe = settings.subscribe((_next, _previous, change) => {
    if (!change.reloaded) bridge.signal(SETTINGS_CHANGED);
  });
  const unlisten = bridge.onSignal(SETTINGS_CHANGED, () => reload('signal'));
  const unlistenReconnect = bridge.onReconnect(() => reload('reconnect'));
  const timer = setInterval(() => reload('periodic check'), options.recheckMs ?? RECHECK_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    unlistenReconnect();
    unlisten();
    unsubscribe();
  };
}
