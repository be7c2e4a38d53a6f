import { html, svg, type SVGTemplateResult, type TemplateResult } from 'lit';
import { languageLabel } from '../lib/language-label.ts';

/**
 * The provider's language flags, drawn inline (no request to the provider): German for German
 * audio (its `german.svg`), English for English audio (`english.svg`), the Japanese flag with the
 * subtitle language in its corner for subtitles (`japanese-german.svg`, `japanese-english.svg`).
 */
const german = svg`<rect width="24" height="16" fill="#000"/><rect y="5.33" width="24" height="5.34" fill="#dd0000"/><rect y="10.67" width="24" height="5.33" fill="#ffce00"/>`;
const english = svg`<rect width="24" height="16" fill="#012169"/><path d="M0 0 24 16M24 0 0 16" stroke="#fff" stroke-width="3.2"/><path d="M0 0 24 16M24 0 0 16" stroke="#c8102e" stroke-width="1.2"/><path d="M12 0v16M0 8h24" stroke="#fff" stroke-width="5"/><path d="M12 0v16M0 8h24" stroke="#c8102e" stroke-width="3"/>`;
const japanese = svg`<rect width="24" height="16" fill="#fff"/><circle cx="9" cy="7" r="4.2" fill="#bc002d"/>`;

const corner = (flag: SVGTemplateResult) =>
  svg`<svg x="12" y="8" width="12" height="8" viewBox="0 0 24 16" preserveAspectRatio="none">${flag}</svg><rect x="12" y="8" width="12" height="8" fill="none" stroke="#fff" stroke-width="0.8"/>`;

const FLAGS: Record<string, SVGTemplateResult> = {
  'German Dub': german,
  'English Dub': english,
  'German Sub': svg`${japanese}${corner(german)}`,
  'English Sub': svg`${japanese}${corner(english)}`,
};

/** A flag with the language as its accessible name (and tooltip); an unknown language is its name as text. */
export function languageFlag(language: string): TemplateResult {
  const label = languageLabel(language);
  const flag = FLAGS[language];
  if (!flag) return html`<span class="flag-text">${label}</span>`;
  return html`<svg class="flag" viewBox="0 0 24 16" width="24" height="16" role="img" aria-label=${label} data-language=${language}><title>${label}</title>${flag}</svg>`;
}
