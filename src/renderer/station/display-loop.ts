/**
 * The one requestAnimationFrame loop of the screen. It paces the store's change notifications to
 * at most one React render per frame (StationStore.paceByFrames), draws the waveform canvases
 * imperatively, and then reports which readings this frame is the first to show, through the
 * optional page hook `window.__vitalbridgeFrameShown` that the latency benchmark installs.
 */
import type { FrameArrival, StationStore } from './station-store';

export interface FrameShownReport {
  /** Station time at the end of the frame's script work (drawing, and React committing a held change), before it paints. */
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
    if (this.frameRequest !== null) return;
    this.store.paceByFrames(true);
    this.frameRequest = requestAnimationFrame(this.tick);
  }

  /** Without frames to pace them, the store's changes reach React at once again. */
  stop(): void {
    if (this.frameRequest !== null) cancelAnimationFrame(this.frameRequest);
    this.frameRequest = null;
    this.store.paceByFrames(false);
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
    // React renders a change released here in a microtask it queues now, so it commits before
    // this frame paints, and before the report below looks at what is committed.
    this.store.frameStarted();
    for (const drawer of this.drawers) drawer(this.store.stationNow());
    queueMicrotask(this.reportShown);
  };

  private readonly reportShown = (): void => {
    const frames = this.store.takeShownArrivals(this.committedVersion);
    const hook = window.__vitalbridgeFrameShown;
    if (frames.length > 0 && typeof hook === 'function') hook({ shownAt: this.store.stationNow(), shownAtWallClock: Date.now(), frames });
  };
}
