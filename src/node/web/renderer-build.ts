/**
 * Web mode serves the built renderer (out/renderer, the same output `npm run build` gives Electron).
 * When a source file is newer than the build, it is rebuilt from the renderer section of
 * electron.vite.config.ts, so both shells always run the same renderer configuration.
 */
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Newest modification time of any file below `path` (0 when it does not exist). */
async function newestMtime(path: string): Promise<number> {
  let info;
  try {
    info = await stat(path);
  } catch {
    return 0;
  }
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path, { withFileTypes: true });
  const times = await Promise.all(entries.filter((e) => !e.name.startsWith('.')).map((e) => newestMtime(join(path, e.name))));
  return Math.max(0, ...times);
}

export interface RendererBuildPaths {
  projectRoot: string;
  outDir: string;
}

export async function isRendererBuildStale({ projectRoot, outDir }: RendererBuildPaths): Promise<boolean> {
  const built = await newestMtime(join(outDir, 'index.html'));
  if (built === 0) return true;
  const inputs = ['src/renderer', 'src/shared', 'electron.vite.config.ts', 'package.json'].map((p) => newestMtime(join(projectRoot, p)));
  return Math.max(...(await Promise.all(inputs))) > built;
}

/**
 * Builds the renderer; the bundler's own messages go to stderr so stdout keeps its one-line contract.
 * The build goes to a fresh folder that then replaces outDir, so a station already serving outDir
 * (another web-mode process) never sees a half-written build.
 */
export async function buildRenderer({ projectRoot, outDir }: RendererBuildPaths): Promise<void> {
  const { loadConfigFromFile } = await import('electron-vite');
  const { build } = await import('vite');
  const { config } = await loadConfigFromFile({ command: 'build', mode: 'production' }, undefined, projectRoot, 'warn');
  const renderer = config.renderer;
  if (!renderer) throw new Error('electron.vite.config.ts has no renderer section');
  const staging = `${outDir}.building-${process.pid}`;
  const retired = `${outDir}.old-${process.pid}`;
  try {
    await build({
      ...renderer,
      configFile: false,
      base: './',
      logLevel: 'warn',
      build: { ...renderer.build, outDir: staging, emptyOutDir: true },
    });
    await rename(outDir, retired).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await rename(staging, outDir);
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rm(retired, { recursive: true, force: true });
  }
}

export async function ensureRendererBuild(paths: RendererBuildPaths, log: (message: string) => void): Promise<void> {
  if (!(await isRendererBuildStale(paths))) return;
  log('Building the renderer (sources are newer than out/renderer)...');
  await buildRenderer(paths);
}
