/**
 * The records module (better-sqlite3-multiple-ciphers, SQLCipher) is a V8 addon: one build serves
 * one ABI (`process.versions.modules`). `npm install` builds it for the Node that ran npm, which is
 * what web mode, the CLI and the tests run on; Electron 38 has another ABI. Two builds therefore
 * sit side by side: the package's own (for Node, and in a packaged app electron-builder's rebuild
 * for Electron), and one per other ABI that `npm run rebuild` (also the postinstall step, where
 * the Electron binary is present) puts in node_modules/.vitalbridge-native. The one matching this
 * runtime is loaded; when none does, the start-up says so in one sentence instead of a stack trace.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getTarget } from 'node-abi';

export const RECORDS_MODULE = 'better-sqlite3-multiple-ciphers';
const ADDON_FILE = 'better_sqlite3.node';
const require = createRequire(import.meta.url);

export class RecordsModuleMismatchError extends Error {
  override name = 'RecordsModuleMismatchError';
}

/** Where the build for `abi` goes beside the package's own: inside node_modules, so a reinstall starts afresh. */
export function sideBySideAddonPath(abi: string, packageJson = require.resolve(`${RECORDS_MODULE}/package.json`)): string {
  return join(dirname(dirname(packageJson)), '.vitalbridge-native', `${RECORDS_MODULE}-abi${abi}`, ADDON_FILE);
}

/** "Node 20" or "Electron 38" for an ABI number, or null when the installed registry does not know it. */
export function runtimeOfAbi(abi: string): string | null {
  for (const runtime of ['node', 'electron'] as const) {
    try {
      const major = getTarget(abi, runtime).split('.')[0];
      return `${runtime === 'node' ? 'Node' : 'Electron'} ${major}`;
    } catch {
      // Not an ABI of this runtime: try the other.
    }
  }
  return null;
}

export interface Runtime {
  /** process.versions.modules */
  abi: string;
  /** "Electron 38.8.6" or "Node 20.19.5" */
  name: string;
}

export function currentRuntime(versions: NodeJS.ProcessVersions = process.versions): Runtime {
  const electron = (versions as NodeJS.ProcessVersions & { electron?: string }).electron;
  return { abi: versions.modules, name: electron ? `Electron ${electron}` : `Node ${versions.node}` };
}

/** Node's dlopen refusal names the ABI the file was built for: "…using NODE_MODULE_VERSION 115. This version…requires NODE_MODULE_VERSION 139." */
export function builtForAbi(error: unknown): string | null {
  if ((error as { code?: string } | null)?.code !== 'ERR_DLOPEN_FAILED') return null;
  return /NODE_MODULE_VERSION (\d+)\./.exec((error as Error).message)?.[1] ?? null;
}

export function mismatchMessage(builtFor: string, runtime: Runtime): string {
  const builtName = runtimeOfAbi(builtFor);
  return (
    `the records module (${RECORDS_MODULE}) was built for ABI ${builtFor}${builtName ? ` (${builtName})` : ''}, ` +
    `this runtime (${runtime.name}) needs ABI ${runtime.abi}: run \`npm run rebuild\``
  );
}

/** Opens a throw-away in-memory database with the package's own build, loaded as the package itself loads it. */
function probePackageBuild(): void {
  new Database(':memory:').close();
}

/**
 * The `nativeBinding` for this runtime: undefined when the package's own build matches it (the
 * package then loads it as usual, also from a packaged app's asar), else the side-by-side build
 * for this ABI; a mismatch with no side-by-side build is a RecordsModuleMismatchError.
 */
export function chooseRecordsBinding(runtime: Runtime = currentRuntime(), probe: () => void = probePackageBuild, sideBySide = sideBySideAddonPath(runtime.abi)): string | undefined {
  try {
    probe();
    return undefined;
  } catch (error) {
    const builtFor = builtForAbi(error);
    if (builtFor === null) throw error;
    if (existsSync(sideBySide)) return sideBySide;
    throw new RecordsModuleMismatchError(mismatchMessage(builtFor, runtime));
  }
}

let binding: { path: string | undefined } | undefined;

/** Chosen once per process (and per worker thread, each with its own module registry). */
export function recordsBinding(): string | undefined {
  binding ??= { path: chooseRecordsBinding() };
  return binding.path;
}
