import { resolve } from 'node:path';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { nodePolyfills } from 'vite-plugin-node-polyfills';

export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          // The station recorder's writer thread: started from out/main/recorder-worker.js, beside the code that starts it.
          'recorder-worker': resolve(__dirname, 'src/node/station/persistence/recorder-worker.ts'),
          // The FHIR sync's thread (src/node/sync/sync-thread.ts), likewise.
          'sync-worker': resolve(__dirname, 'src/node/sync/sync-worker.ts'),
        },
      },
    },
  },
  preload: {
    plugins: [externalizeDepsPlugin({ exclude: ['zod'] })],
    // A sandboxed preload cannot be an ES module: Electron loads it as CommonJS.
    build: { rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') }, output: { format: 'cjs', entryFileNames: '[name].cjs' } } },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    // simple-peer (the video call) is written for Node streams: give the sandboxed page Buffer, process,
    // global and the stream/events modules it requires, and nothing else.
    plugins: [react(), nodePolyfills({ include: ['buffer', 'events', 'process', 'stream', 'util'], globals: { Buffer: true, global: true, process: true } })],
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/renderer/index.html'),
          // The clinician's page: served by the consultation server and opened from a visit link.
          clinician: resolve(__dirname, 'src/renderer/clinician.html'),
        },
      },
    },
  },
});
