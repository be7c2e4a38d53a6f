import { startLocale } from './locale.ts';

// Imported by main.ts before the shell: the language is fixed before any element is created.
startLocale();
