import { html, nothing } from 'lit';
import type { TestResult } from '../../data/webhooks.ts';
import { t, tCode } from '../../i18n/locale.ts';

/** An event name as the user reads it; a name this panel does not know stays as the server sent it. */
export function eventLabel(name: string): string {
  return tCode('event', name, name);
}

/** What a test found: for media servers worded from the stable code, for webhooks the receiver's status and answer. */
export function testResultView(result: TestResult) {
  const coded = result.code ? tCode('media', result.code, result.error ?? result.response_excerpt ?? '', result.params) : undefined;
  return html`<div class="notice ${result.success ? 'ok' : 'error'} test-result" role="status">
    <strong>${coded ?? (result.success ? t('hooks.testOk') : t('hooks.testFailed'))}</strong>${result.status_code !== null ? html` · HTTP ${result.status_code}` : nothing}${result.latency_ms ? ` · ${result.latency_ms} ms` : ''}
    ${result.error && !coded ? html`<div>${result.error}</div>` : nothing}
    ${result.response_excerpt && !result.code ? html`<pre aria-label=${t('hooks.answer')}>${result.response_excerpt}</pre>` : nothing}
  </div>`;
}
