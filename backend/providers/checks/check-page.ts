/**
 * How a page in the browser is recognised as a check rather than the site: the titles and
 * widgets of the checks in use (Cloudflare "Just a moment...", Turnstile, hCaptcha, reCAPTCHA,
 * ALTCHA, DDoS-Guard, the provider's own "Stream wird vorbereitet"), or a check status.
 */

export const CHECK_STATUSES = new Set([403, 429, 503]);

export const CHECK_TITLES = [
  'just a moment',
  'attention required',
  'ddos-guard',
  'stream wird vorbereitet',
  'verifizierung',
  'checking your browser',
  'security check',
  'einen moment',
];

/** Elements that only checks have. */
export const CHECK_ELEMENTS =
  '#challenge-stage, #challenge-form, #challenge-running, #cf-challenge-running, iframe[src*="challenges.cloudflare.com"], .cf-turnstile, .h-captcha, .g-recaptcha, altcha-widget, #ddg-captcha, #ddg-l10n-title';

/**
 * What can be clicked, best first: a checkbox inside a widget, a widget's iframe (its box is
 * clicked near the left edge, where the checkbox sits), the widget container itself.
 */
export const CLICK_TARGETS = [
  '.cf-turnstile input[type="checkbox"], altcha-widget input[type="checkbox"], #challenge-stage input[type="checkbox"], .captcha input[type="checkbox"]',
  'iframe[src*="challenges.cloudflare.com"], iframe[src*="turnstile"], iframe[src*="hcaptcha.com"], iframe[src*="recaptcha/api2/anchor"], iframe[title*="challenge" i]',
  '.cf-turnstile, #turnstile-wrapper, .h-captcha, .g-recaptcha, altcha-widget',
];

/** Runs in the page: true while it is a check (a short page with check markers). */
export function pageLooksLikeCheck(markers: { titles: string[]; elements: string }): boolean {
  const title = document.title.toLowerCase();
  if (markers.titles.some((marker) => title.includes(marker))) return true;
  const text = (document.body?.innerText ?? '').slice(0, 4000);
  // Real pages may carry a captcha widget in a form; a check page is little else.
  return document.querySelector(markers.elements) !== null && text.length < 3000;
}
