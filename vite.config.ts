import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { precompress } from './engine/web-build/precompress';

// The web UI lives in web/ and is served by the API process from dist/web in production.
export default defineConfig({
  root: 'web',
  plugins: [react(), precompress()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // which chunk each page needs: npm run bench:bundle reads it to print first-load JS per page
    manifest: true,
    // every page is a chunk of its own (web/shell/pages.ts); past this, one grew too much
    chunkSizeWarningLimit: 600,
  },
  server: {
    port: 5173,
    // Only API calls go to the server: web/api/*.ts source modules share the /api/ prefix in dev.
    proxy: { '^/api/(?![^?]*\\.tsx?(\\?|$))': `http://127.0.0.1:${process.env.PORT ?? 3000}` },
  },
});
