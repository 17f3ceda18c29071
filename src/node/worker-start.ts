/**
 * Starts a worker thread whose entry sits beside the module starting it, built to the same
 * extension: .ts when running from source (tsx, vitest), .js in out/main (an input of
 * electron.vite.config.ts), .mjs in a test's bundle.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** The URL of worker entry `name` beside the module at `moduleUrl` (its import.meta.url). */
export function workerUrl(name: string, moduleUrl: string): URL {
  return new URL(`./${name}${extname(fileURLToPath(moduleUrl))}`, moduleUrl);
}

export function startWorker(url: URL, workerData: unknown): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData });
  // From source: tsx's loader hooks do not reach worker threads (privatenumber/tsx#354), so the
  // worker registers them itself before importing its entry.
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}
