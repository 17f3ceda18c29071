/**
 * Child processes for crash tests (SIGKILL loops), bundled once with esbuild and run by plain node:
 * starting them through tsx would cost most of a second per start. The bundle lives inside the
 * repository so it resolves native modules (and any other `external`) from node_modules.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const repoRoot = join(import.meta.dirname, '..');

export interface ChildBundle {
  /** The bundled file of an entry point: `<dir>/<name>.mjs`. */
  path(name: string): string;
  remove(): void;
}

/**
 * Bundles `entryPoints` (output name → source file) as ES modules for Node 20, each to `<name>.mjs`.
 * `external`: the packages left to node_modules, or 'all-packages' for an entry that imports many
 * (the CLI: only our own code is bundled).
 */
export async function bundleChildProcesses(label: string, entryPoints: Record<string, string>, external: string[] | 'all-packages'): Promise<ChildBundle> {
  const dir = join(repoRoot, 'node_modules/.cache/vitalbridge-tests', `${label}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const packages = external === 'all-packages' ? { packages: 'external' as const } : { external };
  await build({ entryPoints, bundle: true, platform: 'node', format: 'esm', target: 'node20', outdir: dir, outExtension: { '.js': '.mjs' }, ...packages, logLevel: 'error' });
  return { path: (name) => join(dir, `${name}.mjs`), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
