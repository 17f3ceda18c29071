/** What the soak probe (probe.ts, inside the station process) writes, one JSON object a line. */
export const PROBE_ENV = 'VITALBRIDGE_SOAK_PROBE';

export interface ProbeSetup {
  /** The NDJSON file the probe appends to. */
  file: string;
  periodMs: number;
}

export interface ProbeSample {
  kind: 'sample';
  /** Wall-clock time of the station process. */
  at: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** Event-loop delay p99 over the window since the previous sample. */
  loopP99Ms: number;
  /** process.getActiveResourcesInfo(), counted by type. */
  handles: Record<string, number>;
  dbBytes: number;
  walBytes: number;
  recorderPending: number;
}

export interface ProbeFinal {
  kind: 'final';
  at: number;
  /** Readings the hub published while the probe ran, by metric. */
  produced: Record<string, number>;
}

export type ProbeLine = ProbeSample | ProbeFinal;
