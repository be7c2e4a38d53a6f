import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const api = process.env.ANIWORLD_API_URL ?? 'http://127.0.0.1:8000';

/** The panel is built into panel/dist and served by the API process; `npm run dev` proxies the API. */
export default defineConfig({
  root: import.meta.dirname,
  // Relative asset URLs resolve against <base href>, which the server sets to ANIWORLD_BASE_PATH.
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2023',
    assetsDir: 'assets',
    reportCompressedSize: false,
    chunkSizeWarningLimit: 200,
  },
  server: {
    port: 5173,
    // The wire contract (../contract) sits beside the panel; the panel imports its types.
    fs: { allow: [resolve(import.meta.dirname, '..')] },
    proxy: {
      '/api': { target: api, changeOrigin: true },
      '/health': { target: api, changeOrigin: true },
      '/ws': { target: api.replace(/^http/, 'ws'), ws: true, changeOrigin: true },
    },
  },
});
