import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Where `npm run dev` sends `/api` calls: a running `slipway up`. */
const apiTarget = process.env.SLIPWAY_URL ?? 'http://127.0.0.1:7070';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  server: { proxy: { '/api': { target: apiTarget, changeOrigin: false } } },
});
