/**
 * Runs before `npm start` (electron-vite preview): without the Electron binary, electron-vite would
 * build for a minute and then stop with "Error: Electron uninstall" and a stack trace. This says in
 * one sentence what is missing, how to get it and what works without it, and exits 1.
 * Finds the binary as electron-vite does: ELECTRON_EXEC_PATH, else the electron package's path.txt.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const MISSING_ELECTRON_MESSAGE =
  'The Electron binary is not installed (npm install ran with ELECTRON_SKIP_BINARY_DOWNLOAD=1, or its download failed): ' +
  'install it with `node node_modules/electron/install.js` (downloads about 100 MB), ' +
  'or run `npm run start:web -- --simulate` to see the same station in a browser.';

/** The Electron executable electron-vite would start, or null when it is not there. */
export function electronBinary(env: NodeJS.ProcessEnv = process.env): string | null {
  const fromEnv = env.ELECTRON_EXEC_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  const moduleDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  const pathFile = join(moduleDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(moduleDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

const isEntryPoint = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntryPoint && electronBinary() === null) {
  process.stderr.write(`${MISSING_ELECTRON_MESSAGE}\n`);
  process.exitCode = 1;
}
