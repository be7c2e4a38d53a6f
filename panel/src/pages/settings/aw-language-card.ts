import { LitElement, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { chooseLocale, storedLocaleChoice, t, type Locale } from '../../i18n/locale.ts';
import { sharedStyles } from '../../styles/shared.ts';

/** The panel's language for this browser; a change reloads the page so everything renders in it. */
@customElement('aw-language-card')
export class AwLanguageCard extends LitElement {
  static styles = [sharedStyles];

  @state() private choice: Locale | 'auto' = storedLocaleChoice();

  #change(event: Event): void {
    this.choice = (event.target as HTMLSelectElement).value as Locale | 'auto';
    chooseLocale(this.choice);
    location.reload();
  }

  render() {
    // Each language is named in itself, so a user who cannot read the current one still finds theirs.
    return html`<section class="card" aria-labelledby="language-h">
      <h2 id="language-h">${t('language.title')}</h2>
      <div class="field">
        <label for="panel-language">${t('language.label')}</label>
        <select id="panel-language" @change=${this.#change}>
          <option value="auto" ?selected=${this.choice === 'auto'}>${t('language.auto')}</option>
          <option value="en" lang="en" ?selected=${this.choice === 'en'}>English</option>
          <option value="de" lang="de" ?selected=${this.choice === 'de'}>Deutsch</option>
        </select>
        <span class="hint">${t('language.hint')}</span>
      </div>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'aw-language-card': AwLanguageCard;
  }
}
