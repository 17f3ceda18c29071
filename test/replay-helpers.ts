/**
 * Replays the shared device captures in resources/captures through the station's driver
 * registry, for the per-driver capture tests (test/captures*.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCapture, type Capture } from '../src/node/capture/format';
import { replayCaptureToArray, type MismatchReport, type ReplayOptions, type ReplayOutput } from '../src/node/capture/replay';
import type { DeviceStatus, Observation, WaveformChunk } from '../src/shared/readings';

export const CAPTURES_DIR = join(import.meta.dirname, '../resources/captures');

export function readCapture(name: string): Capture {
  return parseCapture(readFileSync(join(CAPTURES_DIR, name), 'utf8'));
}

/** The capture's `# expect:` header line: what its source says the driver must produce. */
export function expectation(name: string): string {
  return readCapture(name).header.extra.find(([key]) => key === 'expect')?.[1] ?? '';
}

export interface ReplayedCapture {
  outputs: ReplayOutput[];
  observations: Observation[];
  waveforms: WaveformChunk[];
  statuses: DeviceStatus[];
  mismatches: MismatchReport[];
}

/** Replays resources/captures/<name> with the driver its header names (or options.driverId). */
export async function replayFile(name: string, options: Omit<ReplayOptions, 'drivers'> = {}): Promise<ReplayedCapture> {
  const outputs = await replayCaptureToArray(readCapture(name), options);
  return {
    outputs,
    observations: outputs.filter((o): o is Observation => o.type === 'observation'),
    waveforms: outputs.filter((o): o is WaveformChunk => o.type === 'waveform'),
    statuses: outputs.filter((o): o is DeviceStatus => o.type === 'status'),
    mismatches: outputs.filter((o): o is MismatchReport => o.type === 'mismatch'),
  };
}
