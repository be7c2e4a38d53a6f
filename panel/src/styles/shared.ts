import { css } from 'lit';

/** Building blocks every page uses: buttons, fields, cards, tables, badges, page header. */
export const sharedStyles = css`
  :host { display: block; }
  *, *::before, *::after { box-sizing: border-box; }
  [hidden] { display: none !important; }
  h1, h2, h3 { margin: 0; line-height: 1.25; }
  h1 { font-size: 1.45rem; font-weight: 650; }
  h2 { font-size: 1.1rem; font-weight: 620; }
  h3 { font-size: 0.95rem; font-weight: 620; }
  p { margin: 0; }
  a { color: var(--aw-accent); }
  code, .mono { font-family: var(--aw-mono); font-size: 0.88em; }
  .muted { color: var(--aw-text-muted); }
  .small { font-size: 0.85rem; }

  .page-header {
    display: flex; flex-wrap: wrap; align-items: center; gap: 12px;
    margin-bottom: 20px;
  }
  .page-header h1 { margin-right: auto; }
  .toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; }

  .card {
    background: var(--aw-surface); border: 1px solid var(--aw-border);
    border-radius: var(--aw-radius); box-shadow: var(--aw-shadow); padding: 20px;
  }
  .card + .card { margin-top: 16px; }
  .card > h2 { margin-bottom: 4px; }
  .card > .card-intro { color: var(--aw-text-muted); margin-bottom: 16px; font-size: 0.9rem; }

  button, .button {
    font: inherit; font-size: 0.9rem; font-weight: 560; line-height: 1.2;
    display: inline-flex; align-items: center; justify-content: center; gap: 6px;
    min-height: 36px; padding: 7px 14px; border-radius: 6px; cursor: pointer;
    border: 1px solid var(--aw-border); background: var(--aw-surface); color: var(--aw-text);
    text-decoration: none; white-space: nowrap;
  }
  button:hover, .button:hover { background: var(--aw-surface-2); }
  button.primary, .button.primary { background: var(--aw-accent); border-color: var(--aw-accent); color: var(--aw-on-accent); }
  button.primary:hover, .button.primary:hover { background: var(--aw-accent-strong); }
  button.primary.danger-fill { background: var(--aw-danger); border-color: var(--aw-danger); color: light-dark(#fff, #1b0b0c); }
  button.danger { color: var(--aw-danger); border-color: color-mix(in srgb, var(--aw-danger) 45%, transparent); }
  button.danger:hover { background: var(--aw-danger-soft); }
  button.ghost { border-color: transparent; background: transparent; }
  button.ghost:hover { background: var(--aw-surface-2); }
  button.icon { padding: 6px; min-width: 36px; }
  button:disabled { opacity: 0.55; cursor: not-allowed; }
  button:focus-visible, .button:focus-visible, a:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, [tabindex]:focus-visible {
    outline: none; box-shadow: var(--aw-focus);
  }

  label { font-weight: 560; font-size: 0.9rem; }
  .field { display: grid; gap: 6px; margin-bottom: 16px; align-content: start; }
  .field .hint { color: var(--aw-text-muted); font-size: 0.82rem; font-weight: 400; }
  .field .error { color: var(--aw-danger); font-size: 0.85rem; }
  input[type=text], input[type=password], input[type=search], input[type=number], input[type=url], select, textarea {
    font: inherit; font-size: 0.95rem; width: 100%; min-height: 38px; padding: 7px 10px;
    border: 1px solid var(--aw-border); border-radius: 6px; background: var(--aw-surface); color: var(--aw-text);
  }
  input, select, textarea { font-weight: 400; }
  textarea { min-height: 80px; font-family: var(--aw-mono); font-size: 0.85rem; }
  input:disabled, select:disabled, textarea:disabled { background: var(--aw-surface-2); color: var(--aw-text-muted); }
  input[type=checkbox] { width: 18px; height: 18px; accent-color: var(--aw-accent); margin: 0; }
  .check { display: inline-flex; align-items: center; gap: 8px; font-weight: 500; cursor: pointer; }
  .grid-2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(240px, 1fr)); gap: 0 20px; }

  table { width: 100%; border-collapse: collapse; font-size: 0.9rem; }
  th { text-align: left; font-weight: 600; color: var(--aw-text-muted); font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.03em; }
  th, td { padding: 10px 12px; border-bottom: 1px solid var(--aw-border); vertical-align: middle; }
  tbody tr:hover { background: var(--aw-surface-2); }
  .table-wrap { position: relative; overflow-x: auto; background: var(--aw-surface); border: 1px solid var(--aw-border); border-radius: var(--aw-radius); }
  .table-wrap table tr:last-child td { border-bottom: none; }

  .badge {
    display: inline-flex; align-items: center; gap: 4px; padding: 2px 8px; border-radius: 999px;
    font-size: 0.76rem; font-weight: 620; white-space: nowrap; background: var(--aw-surface-2); color: var(--aw-text-muted);
  }
  .badge.ok { background: var(--aw-ok-soft); color: var(--aw-ok); }
  .badge.warn { background: var(--aw-warn-soft); color: var(--aw-warn); }
  .badge.danger { background: var(--aw-danger-soft); color: var(--aw-danger); }
  .badge.info { background: var(--aw-info-soft); color: var(--aw-info); }
  .badge.accent { background: var(--aw-accent-soft); color: var(--aw-accent); }

  .notice { padding: 10px 14px; border-radius: 6px; font-size: 0.9rem; background: var(--aw-info-soft); color: var(--aw-text); border-left: 3px solid var(--aw-info); }
  .notice.error { background: var(--aw-danger-soft); border-left-color: var(--aw-danger); }
  .notice.ok { background: var(--aw-ok-soft); border-left-color: var(--aw-ok); }
  .notice.warn { background: var(--aw-warn-soft); border-left-color: var(--aw-warn); }

  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
