import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The UI is served by the Mnemo server from web/dist; during development (`npm run dev`) Vite serves it and
// proxies the API paths, MLflow's /ajax-api included, to a local server.
const api = process.env.MNEMO_API_URL ?? 'http://127.0.0.1:5000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1024 },
  server: { proxy: { '/api': api, '/ajax-api': api } },
});
