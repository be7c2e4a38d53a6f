import './styles/theme.css';
import { applyTheme, loadTheme } from './theme.ts';
import './i18n/boot.ts';
import './app-shell.ts';

// Before the first render, so a dark-theme user never sees a light flash.
applyTheme(loadTheme());
