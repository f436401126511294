import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The web UI lives in web/ and is served by the API process from dist/web in production.
export default defineConfig({
  root: 'web',
  plugins: [react()],
  build: { outDir: '../dist/web', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  server: {
    port: 5173,
    // Only API calls go to the server: web/api/*.ts source modules share the /api/ prefix in dev.
    proxy: { '^/api/(?![^?]*\\.tsx?(\\?|$))': `http://127.0.0.1:${process.env.PORT ?? 3000}` },
  },
});
