import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';
import type { Plugin } from 'vite';

/**
 * In `electron-vite dev` only, Vite injects CSS as <style> tags and HMR needs a websocket, which
 * the production CSP forbids; relax the meta CSP for the dev server. Builds keep it untouched.
 */
const devCsp: Plugin = {
  name: 'switchboard-dev-csp',
  apply: 'serve',
  transformIndexHtml: (html) =>
    html
      .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
      .replace("connect-src 'self'", "connect-src 'self' ws://localhost:* ws://127.0.0.1:*"),
};

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'main/shell/index.ts'),
          // localtunnel runs isolated in a worker thread (main/reachability/localtunnel-provider.ts).
          'localtunnel-worker': resolve(import.meta.dirname, 'main/reachability/localtunnel-worker.ts'),
        },
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot require() packages: bundle everything it uses (zod).
      externalizeDeps: false,
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'preload/index.ts') },
        // Sandboxed preloads must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    base: './',
    plugins: [vue(), devCsp],
    define: {
      __VUE_I18N_FULL_INSTALL__: 'true',
      __VUE_I18N_LEGACY_API__: 'false',
      __INTLIFY_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_DEVTOOLS__: 'false',
    },
    build: {
      outDir: 'out/renderer',
      minify: true,
      emptyOutDir: true,
      assetsInlineLimit: 0,
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'renderer/index.html') } },
    },
  },
});
