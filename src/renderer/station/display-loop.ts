/**
 * The one requestAnimationFrame loop of the screen. Waveform canvases draw in it imperatively, and
 * after drawing it reports which readings this frame is the first to show, through the optional
 * page hook `window.__vitalbridgeFrameShown` that the latency benchmark installs.
 */
import type { FrameArrival, StationStore } from './station-store';

export interface FrameShownReport {
  /** Station time at the end of the frame's drawing work. */
  shownAt: number;
  /** The same moment on this machine's wall clock (see FrameArrival.arrivedAtWallClock). */
  shownAtWallClock: number;
  frames: readonly FrameArrival[];
}

declare global {
  interface Window {
    __vitalbridgeFrameShown?: (report: FrameShownReport) => void;
  }
}

export type Drawer = (stationNow: number) => void;

export class DisplayLoop {
  private readonly drawers = new Set<Drawer>();
  private committedVersion = -1;
  private frameRequest: number | null = null;

  constructor(private readonly store: StationStore) {}

  start(): void {
    if (this.frameRequest === null) this.frameRequest = requestAnimationFrame(this.tick);
  }

  stop(): void {
    if (this.frameRequest !== null) cancelAnimationFrame(this.frameRequest);
    this.frameRequest = null;
  }

  add(drawer: Drawer): () => void {
    this.drawers.add(drawer);
    return () => this.drawers.delete(drawer);
  }

  /** Called after React committed the view of `version` to the DOM. */
  markCommitted(version: number): void {
    this.committedVersion = Math.max(this.committedVersion, version);
  }

  private readonly tick = (): void => {
    this.frameRequest = requestAnimationFrame(this.tick);
    for (const drawer of this.drawers) drawer(this.store.stationNow());
    const frames = this.store.takeShownArrivals(this.committedVersion);
    const hook = window.__vitalbridgeFrameShown;
    if (frames.length > 0 && typeof hook === 'function') hook({ shownAt: this.store.stationNow(), shownAtWallClock: Date.now(), frames });
  };
}
