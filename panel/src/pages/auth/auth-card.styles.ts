import { css } from 'lit';

/** The centred card setup and login share. */
export const authCardStyles = css`
  :host { width: min(440px, 100%); }
  .card { padding: 28px; }
  .brand { display: flex; align-items: center; gap: 10px; margin-bottom: 20px; font-weight: 700; font-size: 1.2rem; }
  .brand img { width: 34px; height: 34px; }
  h1 { margin-bottom: 6px; }
  .lead { color: var(--aw-text-muted); margin-bottom: 22px; }
  .password { position: relative; }
  .password input { padding-right: 44px; }
  .password button { position: absolute; right: 2px; top: 1px; border: none; background: transparent; min-height: 36px; color: var(--aw-text-muted); }
  .actions { margin-top: 8px; }
  .actions button { width: 100%; min-height: 42px; font-size: 1rem; }
  .notice { margin-bottom: 16px; }
`;
