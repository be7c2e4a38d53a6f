import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';

/** A series cover at 2:3; when there is none (or it fails to load) a tinted card with the title. */
@customElement('aw-poster')
export class AwPoster extends LitElement {
  static styles = css`
    :host { display: block; aspect-ratio: 2 / 3; border-radius: 6px; overflow: hidden; background: var(--aw-surface-2); position: relative; container-type: inline-size; }
    img { width: 100%; height: 100%; object-fit: cover; display: block; }
    .fallback {
      position: absolute; inset: 0; display: flex; align-items: flex-end; padding: 10px;
      color: #fff; font-weight: 700; font-size: 0.95rem; line-height: 1.2; text-shadow: 0 1px 2px rgb(0 0 0 / 45%);
    }
    .initials { position: absolute; top: 10px; left: 10px; font-size: 1.6rem; opacity: 0.85; letter-spacing: 0.02em; }
    @container (max-width: 100px) {
      .title { display: none; }
      .initials { position: static; margin: auto; font-size: 1.2rem; }
      .fallback { padding: 4px; }
    }
  `;

  @property() src: string | null | undefined;
  @property() name = '';
  @state() private failed = false;

  protected willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('src')) this.failed = false;
  }

  render() {
    if (this.src && !this.failed) {
      return html`<img src=${this.src} alt="" loading="lazy" decoding="async" referrerpolicy="no-referrer" @error=${() => {
        this.failed = true;
      }} />`;
    }
    const hue = [...this.name].reduce((sum, char) => (sum * 31 + char.charCodeAt(0)) % 360, 7);
    const background = `linear-gradient(160deg, hsl(${hue} 55% 42%), hsl(${(hue + 40) % 360} 60% 24%))`;
    const initials = this.name
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((word) => word[0]?.toUpperCase())
      .join('');
    return html`<div class="fallback" style=${styleMap({ background })} aria-hidden="true">
      <span class="initials">${initials || nothing}</span><span class="title">${this.name}</span>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'aw-poster': AwPoster;
  }
}
