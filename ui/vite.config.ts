import { defineConfig } from 'vite';

// JSX is compiled by Vite's built-in esbuild with the automatic runtime, so no React plugin
// (and its Babel dependency tree) is needed. Fast refresh is not available in `npm run dev`;
// a full reload is fine for this app.
export default defineConfig({
  // Relative asset URLs: the Tauri webview loads dist/ from its own custom protocol.
  base: './',
  esbuild: { jsx: 'automatic' },
  clearScreen: false,
  server: { port: 1420, strictPort: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The webview is a recent Chromium/WebKit; no legacy transpilation needed.
    target: 'es2022',
    // antd is one large chunk by design; the app is loaded from disk, not the network.
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      onwarn(warning, warn) {
        // antd marks its modules "use client" for React Server Components; meaningless in a
        // client-only bundle, and otherwise hundreds of lines of noise per build.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
});
