/**
 * The operator display's build: `npx vite build --config web/vite.config.ts` writes static files to web/dist,
 * with relative URLs (base './') so the service can serve them at `/` and a copy works from any folder.
 * Everything the page needs is bundled: no CDN, no web fonts, no remote tiles.
 * `npx vite --config web/vite.config.ts` serves it for development, proxying /api to a local `tocsin serve`.
 */
import { defineConfig } from 'vite';

const root = decodeURIComponent(new URL('.', import.meta.url).pathname);

export default defineConfig({
  root,
  base: './',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // maplibre-gl alone is ~1 MB: one chunk is what the display needs anyway
    chunkSizeWarningLimit: 2500,
    sourcemap: false,
    rollupOptions: {
      output: {
        // MapLibre's worker is an ES module (.mjs): emitted as .js, which every static server types as JavaScript
        assetFileNames: (asset) => (asset.names.some((n) => n.endsWith('.mjs')) ? 'assets/[name]-[hash].js' : 'assets/[name]-[hash][extname]'),
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', ws: true },
    },
  },
});
