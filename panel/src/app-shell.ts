import { LitElement, css, html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { html as staticHtml, unsafeStatic } from 'lit/static-html.js';
import { ContextProvider } from '@lit/context';
import { apiContext, liveContext, sessionContext, type Session } from './context.ts';
import { ApiClient, errorMessage } from './data/api-client.ts';
import { SessionStore } from './data/session.ts';
import { LiveConnection, liveUrl, type LiveState } from './data/live.ts';
import { authStatus, logout as logoutRequest } from './data/auth.ts';
import { getQueue } from './data/queue.ts';
import { listProviderChecks, type ProviderCheck } from './data/provider-checks.ts';
import { matchRoute, redirectFor, safeNext, type RouteMatch } from './routes.ts';
import { LeaveRequestEvent, navigate, RouteChangeEvent, ToastEvent } from './components/events.ts';
import { confirmDialog } from './components/aw-dialog.ts';
import { icon, type IconName } from './components/icons.ts';
import { applyTheme, loadTheme, nextTheme, type ThemeChoice } from './theme.ts';
import { sharedStyles } from './styles/shared.ts';
import './components/aw-toaster.ts';
import './components/aw-load-state.ts';
import './components/aw-connection-status.ts';
import type { AwToaster } from './components/aw-toaster.ts';
import { fromUrl, toUrl } from './base.ts';
import { t, type MessageKey } from './i18n/locale.ts';

const NAV: readonly { path: string; label: MessageKey; icon: IconName; match: RegExp }[] = [
  { path: '/library', label: 'nav.library', icon: 'library', match: /^\/(library|series)(\/|$)/ },
  { path: '/wanted', label: 'nav.wanted', icon: 'wanted', match: /^\/wanted/ },
  { path: '/queue', label: 'nav.queue', icon: 'queue', match: /^\/queue/ },
  { path: '/activity', label: 'nav.activity', icon: 'clock', match: /^\/activity/ },
  { path: '/notifications', label: 'nav.notifications', icon: 'bell', match: /^\/notifications/ },
  { path: '/settings', label: 'nav.settings', icon: 'settings', match: /^\/settings/ },
  { path: '/system', label: 'nav.system', icon: 'system', match: /^\/system/ },
];

const THEME_ICON: Record<ThemeChoice, IconName> = { auto: 'auto', light: 'sun', dark: 'moon' };

/**
 * The panel's root: owns the session, the API client and the live connection (handed down by
 * context), decides which page shows for the URL, and draws the navigation around it.
 */
@customElement('aw-app')
export class AwApp extends LitElement {
  static styles = [
    sharedStyles,
    css`
    :host { display: block; min-height: 100vh; }
    .skip { position: absolute; left: -999px; top: 8px; z-index: 100; background: var(--aw-surface); padding: 8px 12px; border-radius: 6px; }
    /* A focusable <main> shows the ring only when the skip button sent the keyboard there. */
    main:focus:not(:focus-visible) { outline: none; }
    .skip:focus { left: 8px; }
    .layout { display: grid; grid-template-columns: 232px 1fr; min-height: 100vh; background: linear-gradient(to right, var(--aw-nav-bg) 232px, transparent 232px); }
    main#content:focus, main#content:focus-visible { outline: none; box-shadow: none; }
    nav.side {
      background: var(--aw-nav-bg); color: var(--aw-nav-text); padding: 16px 12px; display: flex; flex-direction: column; gap: 4px;
      position: sticky; top: 0; height: 100vh;
    }
    .brand { display: flex; align-items: center; gap: 10px; padding: 4px 10px 18px; color: #fff; font-weight: 700; font-size: 1.1rem; text-decoration: none; }
    .brand img { width: 28px; height: 28px; }
    nav.side a.item {
      display: flex; align-items: center; gap: 12px; padding: 9px 12px; border-radius: 7px; color: var(--aw-nav-text);
      text-decoration: none; font-weight: 560; font-size: 0.95rem;
    }
    nav.side a.item:hover { background: rgb(255 255 255 / 7%); color: #fff; }
    nav.side a.item[aria-current="page"] { background: rgb(255 255 255 / 12%); color: var(--aw-nav-active); box-shadow: inset 3px 0 0 #8ea2ff; }
    nav.side a.item:focus-visible { outline: none; box-shadow: 0 0 0 2px #8ea2ff; }
    .count { margin-left: auto; background: #8ea2ff; color: #10131a; border-radius: 999px; font-size: 0.72rem; font-weight: 700; padding: 1px 7px; }
    .side-foot { margin-top: auto; display: grid; gap: 4px; }
    .side-foot button { justify-content: flex-start; gap: 12px; color: var(--aw-nav-text); background: transparent; border-color: transparent; font-weight: 560; }
    .side-foot button:hover { background: rgb(255 255 255 / 7%); color: #fff; }
    .main { min-width: 0; display: flex; flex-direction: column; }
    header.top {
      display: flex; align-items: center; gap: 12px; padding: 10px 24px; border-bottom: 1px solid var(--aw-border);
      background: var(--aw-surface); position: sticky; top: 0; z-index: 10; min-height: 56px;
    }
    header.top .title { font-weight: 650; margin-right: auto; }
    .menu-button { display: none; }
    .check-banner { margin: 16px 24px 0; }
    main { padding: 24px; width: 100%; max-width: 1480px; }
    .public { min-height: 100vh; display: grid; place-items: center; padding: 24px 16px; }
    .loading { padding: 48px; text-align: center; color: var(--aw-text-muted); }
    .scrim { display: none; }
    @media (max-width: 860px) {
      .layout { grid-template-columns: 1fr; background: none; }
      nav.side { position: fixed; inset: 0 auto 0 0; width: 260px; z-index: 40; transform: translateX(-100%); transition: transform 0.2s ease; visibility: hidden; }
      .layout.open nav.side { transform: none; visibility: visible; }
      .layout.open .scrim { display: block; position: fixed; inset: 0; background: rgb(0 0 0 / 45%); z-index: 30; }
      .menu-button { display: inline-flex; }
      header.top { padding: 8px 12px; }
      main { padding: 16px 12px; }
    }
  `,
  ];

  @state() private session: { configured: boolean; authenticated: boolean } | undefined;
  @state() private match: RouteMatch | undefined;
  @state() private liveState: LiveState = 'idle';
  @state() private theme: ThemeChoice = loadTheme();
  @state() private navOpen = false;
  @state() private loadError = '';
  @state() private loadedTag = '';
  @state() private queueCount = 0;
  /** Provider checks waiting for a person: a banner on every page until they are solved. */
  @state() private providerChecks: readonly ProviderCheck[] = [];
  @query('aw-toaster') private toaster!: AwToaster;

  readonly #store = new SessionStore();
  readonly #api = new ApiClient({ token: () => this.#store.token(), onUnauthorized: () => this.#sessionEnded() });
  readonly #live = new LiveConnection({ url: () => liveUrl(), token: () => this.#store.token(), onUnauthorized: () => this.#sessionEnded() });
  readonly #sessionProvider = new ContextProvider(this, { context: sessionContext });
  #queueTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    new ContextProvider(this, { context: apiContext, initialValue: this.#api });
    new ContextProvider(this, { context: liveContext, initialValue: this.#live });
    this.addEventListener(ToastEvent.eventName, (event) => this.toaster?.show(event.message, event.kind));
    this.#live.onState((liveState) => {
      this.liveState = liveState;
    });
    for (const type of ['queue_status', 'download_added', 'download_complete', 'download_failed', 'download_removed']) {
      this.#live.subscribe(type, () => this.#refreshQueueCount());
    }
    this.#live.subscribe('provider_check', () => this.#refreshProviderChecks());
  }

  /** The nav badge: waiting + running downloads; debounced because events come in bursts. */
  #refreshQueueCount(): void {
    clearTimeout(this.#queueTimer);
    this.#queueTimer = setTimeout(() => {
      if (!this.session?.authenticated) return;
      getQueue(this.#api).then(
        (status) => {
          this.queueCount = status.pending.length + status.active.length;
        },
        () => {},
      );
    }, 400);
  }

  #refreshProviderChecks(): void {
    if (!this.session?.authenticated) return;
    listProviderChecks(this.#api).then(
      (checks) => {
        this.providerChecks = checks;
      },
      () => {},
    );
  }

  connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('popstate', this.#onLocation);
    window.addEventListener(RouteChangeEvent.eventName, this.#onLocation);
    document.addEventListener('click', this.#onClick);
    document.addEventListener('keydown', this.#onKey);
    void this.#loadSession();
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('popstate', this.#onLocation);
    window.removeEventListener(RouteChangeEvent.eventName, this.#onLocation);
    document.removeEventListener('click', this.#onClick);
    document.removeEventListener('keydown', this.#onKey);
    this.#live.stop();
  }

  async #loadSession(): Promise<void> {
    try {
      const status = await authStatus(this.#api);
      if (!status.authenticated) this.#store.clear();
      this.#setSession(status);
    } catch (error) {
      this.loadError = errorMessage(error);
    }
  }

  #setSession(status: { configured: boolean; authenticated: boolean }): void {
    this.session = { configured: status.configured, authenticated: status.authenticated };
    const value: Session = {
      ...this.session,
      logout: () => this.#logout(),
      signedIn: (token, expiresAt, remember) => {
        // Read ?next= before the session changes: routing as signed-in replaces the login URL.
        const next = safeNext(new URLSearchParams(location.search).get('next'));
        this.#store.save({ token, expiresAt }, remember);
        history.replaceState(null, '', toUrl(next));
        this.#setSession({ configured: true, authenticated: true });
      },
      refresh: () => this.#loadSession(),
    };
    this.#sessionProvider.setValue(value);
    if (status.authenticated) {
      this.#live.start();
      this.#refreshQueueCount();
      this.#refreshProviderChecks();
    } else this.#live.stop();
    this.#route();
  }

  async #logout(): Promise<void> {
    try {
      await logoutRequest(this.#api);
    } catch {
      // The token is dropped locally either way.
    }
    this.#store.clear();
    this.#setSession({ configured: true, authenticated: false });
    navigate('/login', { replace: true });
  }

  /** A 401 anywhere (HTTP or WebSocket): the session is gone, back to the login page. */
  #sessionEnded(): void {
    if (!this.session?.authenticated) return;
    this.#store.clear();
    this.#setSession({ configured: true, authenticated: false });
    this.toaster?.show(t('shell.sessionEnded'), 'warn');
  }

  /** The URL the shown page belongs to: Back onto a page with unsaved work is undone by pushing it again. */
  #shownUrl = location.pathname + location.search;

  /** True when no page objects, or the user agreed to drop unsaved changes. */
  async #mayLeave(): Promise<boolean> {
    const request = new LeaveRequestEvent();
    window.dispatchEvent(request);
    if (!request.defaultPrevented) return true;
    const answer = await confirmDialog({ heading: t('shell.leaveTitle'), message: t('shell.leaveText'), confirmLabel: t('shell.leaveConfirm'), danger: true });
    return answer.confirmed;
  }

  readonly #onLocation = async (event?: Event) => {
    this.navOpen = false;
    if (event?.type === 'popstate' && location.pathname + location.search !== this.#shownUrl) {
      const target = location.pathname + location.search;
      // Stay on the page while asking; go on to the Back target only if the user agrees.
      history.pushState(null, '', this.#shownUrl);
      if (!(await this.#mayLeave())) return;
      history.replaceState(null, '', target);
    }
    this.#route();
  };

  /** The page behind goes inert while the menu is open, so focus moves into the menu. */
  async #openMenu(): Promise<void> {
    this.navOpen = true;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('nav.side a.item')?.focus();
  }

  /** Phone menu: Escape closes it and gives focus back to the menu button. */
  readonly #onKey = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || !this.navOpen) return;
    this.navOpen = false;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.menu-button')?.focus());
  };

  /** Same-origin links inside the panel (also inside shadow roots) change route without a reload. */
  readonly #onClick = (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = event.composedPath().find((node): node is HTMLAnchorElement => node instanceof HTMLAnchorElement);
    if (!anchor || anchor.target || anchor.hasAttribute('download') || anchor.origin !== location.origin) return;
    const target = fromUrl(anchor.pathname);
    if (/^\/(api|ws|health)(\/|$)/.test(target)) return;
    event.preventDefault();
    if (anchor.pathname + anchor.search !== location.pathname + location.search)
      void this.#mayLeave().then((leave) => {
        if (leave) navigate(target + anchor.search + anchor.hash);
      });
    else this.navOpen = false;
  };

  #route(): void {
    if (!this.session) return;
    const here = fromUrl(location.pathname) + location.search;
    const redirect = redirectFor(here, this.session);
    if (redirect) history.replaceState(null, '', toUrl(redirect));
    const match = matchRoute(redirect ?? here);
    this.match = match;
    this.#shownUrl = location.pathname + location.search;
    if (!match) return;
    document.title = `${t(match.route.title)} · AniWorld`;
    if (!customElements.get(match.route.tag)) {
      // Only for the page still asked for: Back while a page loads must not be undone when it arrives.
      const stillShown = () => this.match?.route.tag === match.route.tag;
      match.route.load().then(
        () => {
          if (stillShown()) this.loadedTag = match.route.tag;
        },
        (error: unknown) => {
          if (stillShown()) this.loadError = t('shell.pageLoadFailed', { reason: errorMessage(error) });
        },
      );
    } else {
      this.loadedTag = match.route.tag;
    }
    // Move focus to the new page for keyboard and screen-reader users.
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('#content')?.focus({ preventScroll: true }));
    window.scrollTo(0, 0);
  }

  /**
   * The skip link's target (<main>) lives in this element's shadow root, where a "#content" link
   * from the document cannot reach (axe flags such a link): a button moves the focus itself.
   */
  #skipToContent(): void {
    const main = this.renderRoot.querySelector<HTMLElement>('#content');
    main?.focus();
    main?.scrollIntoView({ block: 'start' });
  }

  #cycleTheme(): void {
    this.theme = nextTheme(this.theme);
    applyTheme(this.theme);
  }

  #page() {
    const match = this.match;
    if (!match || this.loadedTag !== match.route.tag) return html`<aw-load-state state="pending"></aw-load-state>`;
    const tag = unsafeStatic(match.route.tag);
    return staticHtml`<${tag} .params=${match.params} .query=${match.query}></${tag}>`;
  }

  render() {
    // One toaster in a fixed place: it must survive switching between the public and the app layout.
    return html`${this.#view()}<aw-toaster></aw-toaster>`;
  }

  #view() {
    if (this.loadError && !this.session) {
      return html`<div class="public"><div class="notice error" role="alert">${this.loadError} <button type="button" @click=${() => {
        this.loadError = '';
        void this.#loadSession();
      }}>${t('common.tryAgain')}</button></div></div>`;
    }
    if (!this.session || !this.match) return html`<div class="loading" role="status">${t('shell.loadingApp')}</div>`;
    if (this.match.route.public) {
      return html`<main class="public" id="content" tabindex="-1">${this.#page()}</main>`;
    }
    const path = fromUrl(location.pathname);
    return html`
      <button type="button" class="skip" @click=${() => this.#skipToContent()}>${t('shell.skip')}</button>
      <div class="layout ${this.navOpen ? 'open' : ''}">
        <nav class="side" aria-label=${t('shell.mainNav')}>
          <a class="brand" href=${toUrl('/library')}><img src="favicon.svg" alt="" />AniWorld</a>
          ${NAV.map(
            (item) => html`<a class="item" href=${toUrl(item.path)} aria-current=${item.match.test(path) ? 'page' : 'false'}>
            ${icon(item.icon, 20)}<span>${t(item.label)}</span>
            ${item.path === '/queue' && this.queueCount > 0 ? html`<span class="count" aria-label=${t('shell.inQueue', { count: this.queueCount })}>${this.queueCount}</span>` : nothing}
          </a>`,
          )}
          <div class="side-foot">
            <button type="button" @click=${() => this.#cycleTheme()} aria-label=${t('shell.switchTheme', { theme: t(`theme.${this.theme}`) })}>${icon(THEME_ICON[this.theme], 20)}<span>${t('shell.theme', { theme: t(`theme.${this.theme}`) })}</span></button>
            <button type="button" @click=${() => void this.#logout()}>${icon('logout', 20)}<span>${t('shell.logout')}</span></button>
          </div>
        </nav>
        <div class="scrim" @click=${() => {
          this.navOpen = false;
        }}></div>
        <div class="main" ?inert=${this.navOpen}>
          <header class="top">
            <button type="button" class="icon ghost menu-button" aria-label=${this.navOpen ? t('shell.closeMenu') : t('shell.openMenu')} aria-expanded=${this.navOpen ? 'true' : 'false'} @click=${() => void this.#openMenu()}>${icon('menu', 22)}</button>
            <span class="title">${t(this.match.route.title)}</span>
            <aw-connection-status .state=${this.liveState} @click=${() => this.#live.retryNow()}></aw-connection-status>
          </header>
          ${
            this.providerChecks.length && !path.startsWith('/provider-check/')
              ? html`<div class="notice warn check-banner" role="alert">
            ${t('check.banner', { site: this.providerChecks[0].site })} <a href=${toUrl(`/provider-check/${encodeURIComponent(this.providerChecks[0].site)}`)}>${t('check.solve')}</a>
          </div>`
              : nothing
          }
          <main id="content" tabindex="-1">${this.loadError ? html`<aw-load-state state="error" message=${this.loadError} @aw-retry=${() => location.reload()}></aw-load-state>` : this.#page()}</main>
        </div>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'aw-app': AwApp;
  }
}
