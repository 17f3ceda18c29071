/**
 * CPU profiles for the benchmarks: `startCpuProfile()` records this process with V8's sampling
 * profiler (node:inspector, the same data `node --cpu-prof` writes) until the returned stop
 * function writes DIR/NAME.cpuprofile, loadable in Chrome DevTools. In-process rather than
 * `--cpu-prof` on the command line so a profile covers only the measured phase, not warm-up and
 * setup. `summariseCpuProfile` reads one back: self time per function and per source file.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export async function startCpuProfile(dir: string, name: string): Promise<() => Promise<string>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    await mkdir(dir, { recursive: true });
    const file = join(dir, `${name}.cpuprofile`);
    await writeFile(file, JSON.stringify(profile));
    return file;
  };
}

export interface SelfTime {
  name: string;
  ms: number;
  share: number;
}

/** Where a source file belongs: the package under node_modules, a project path, or V8/Node internals. */
export function moduleOf(url: string): string {
  if (url === '') return '(V8 / native)';  // also (idle), (program) and (garbage collector), named as functions
  const packagePath = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packagePath) return packagePath[1]!;
  if (url.startsWith('node:')) return url;
  const project = /\/((?:src|bench|scripts)\/.*)$/.exec(url);
  return project ? project[1]! : url;
}

const rank = (totals: Map<string, number>, all: number, top: number): SelfTime[] =>
  [...totals]
    .map(([name, ms]) => ({ name, ms, share: all === 0 ? 0 : ms / all }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top);

export interface ProfileSummary {
  totalMs: number;
  /** Self time per function. */
  functions: SelfTime[];
  /** Self time per source module; native code ((V8 / native): syscalls, JSON, GC) on its own. */
  modules: SelfTime[];
  /**
   * Self time per module with native code and Node's own modules charged to the nearest caller in
   * a package or the project (a socket write's syscall to ws or ioredis, JSON.parse to its
   * caller); (idle), (program) and (garbage collector) have none and stay apart, as does work
   * Node starts itself (an incoming connection's parsing).
   */
  callers: SelfTime[];
}

/** Self time (each sample's time charged to the function on top of the stack), largest first. */
export function summariseCpuProfile(profile: CpuProfile, top = 25): ProfileSummary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const callerModule = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      const url = nodes.get(at)?.callFrame.url ?? '';
      if (url !== '' && !url.startsWith('node:')) return moduleOf(url);
    }
    return nodes.get(id)?.callFrame.functionName || '(V8 / native)';
  };
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  const byCaller = new Map<string, number>();
  const add = (totals: Map<string, number>, key: string, ms: number) => totals.set(key, (totals.get(key) ?? 0) + ms);
  let totalMs = 0;
  profile.samples.forEach((id, index) => {
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    const frame = nodes.get(id)?.callFrame;
    if (!frame) return;
    totalMs += ms;
    const module = moduleOf(frame.url);
    // No line numbers: under tsx they are the transpiled file's, not the source's.
    add(byFunction, `${frame.functionName || '(anonymous)'} ${module}`, ms);
    add(byModule, module, ms);
    add(byCaller, callerModule(id), ms);
  });
  return { totalMs, functions: rank(byFunction, totalMs, top), modules: rank(byModule, totalMs, top), callers: rank(byCaller, totalMs, top) };
}
