import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

const root = import.meta.dirname;

// One build for every host: out/main holds the Electron main entry, the engine
// process entry (engine-host, forked as a utility process by main), the CLI
// (`ringscope`), and the worker-thread entry that the engine starts.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(root, 'src-main/hosts/desktop/electron/index.ts'),
          'engine-host': resolve(root, 'src-main/hosts/desktop/engine-host/index.ts'),
          cli: resolve(root, 'src-main/hosts/cli/index.ts'),
          worker: resolve(root, 'src-workers/worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(root, 'src-preload/index.ts') },
        // Sandboxed preloads cannot be ES modules: one CommonJS file.
        output: { format: 'cjs', entryFileNames: '[name].cjs', inlineDynamicImports: true },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rollupOptions: { input: { index: resolve(root, 'src-renderer/index.html') } },
    },
  },
});
