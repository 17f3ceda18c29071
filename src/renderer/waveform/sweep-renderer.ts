/**
 * Draws waveform lanes as a monitor-style sweep: each display frame erases a thin bar ahead of the
 * write head and draws only the samples that became due since the last frame. Nothing is redrawn
 * per frame, which is what keeps the main thread idle compared with scrolling charts that repaint
 * their whole window every frame.
 */
import type { WaveformChannel } from './waveform-channel';

export interface LaneSpec {
  channel: () => WaveformChannel | null;
  color: string;
  /** Fixed value range; without it the lane fits the held samples and refits once per sweep. */
  range?: { min: number; max: number };
}

export interface SweepOptions {
  windowMs: number;
  /** Width of the erase bar ahead of the head, in milliseconds of trace. */
  eraseMs: number;
  lineWidthCss: number;
}

interface LaneState {
  head: number;
  next: number;
  lastIndex: number;
  lastX: number;
  lastY: number;
  lastSweep: number;
  range: { min: number; max: number } | null;
  redraw: boolean;
}

/** Vertical share of a lane kept free above and below the trace so strokes stay inside it. */
const LANE_PADDING = 0.08;
/** Refit an automatic range when the data use less than this share of it. */
const REFIT_BELOW_SHARE = 0.5;

export class SweepRenderer {
  private readonly context: CanvasRenderingContext2D;
  private readonly states: LaneState[];
  private widthPx = 0;
  private heightPx = 0;
  private pixelRatio = 1;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly lanes: readonly LaneSpec[],
    private readonly options: SweepOptions,
  ) {
    const context = canvas.getContext('2d');
    if (!context) throw new Error('This display cannot draw waveforms (no 2D canvas).');
    this.context = context;
    this.states = lanes.map((lane) => ({
      head: Number.NaN,
      next: 0,
      lastIndex: -1,
      lastX: 0,
      lastY: 0,
      lastSweep: 0,
      range: lane.range ?? null,
      redraw: true,
    }));
  }

  /** Matches the backing store to the element's size in device pixels, so traces stay sharp on any display. */
  resize(widthPx: number, heightPx: number, pixelRatio: number): void {
    const width = Math.max(1, Math.round(widthPx));
    const height = Math.max(1, Math.round(heightPx));
    if (width === this.widthPx && height === this.heightPx && pixelRatio === this.pixelRatio) return;
    this.widthPx = width;
    this.heightPx = height;
    this.pixelRatio = pixelRatio;
    this.canvas.width = width;
    this.canvas.height = height;
    for (const state of this.states) state.redraw = true;
  }

  /** Advances every lane to station time `now`. */
  draw(now: number): void {
    if (this.widthPx === 0) return;
    const context = this.context;
    context.lineWidth = this.options.lineWidthCss * this.pixelRatio;
    context.lineJoin = 'round';
    // Round caps make a lone sample between two gaps visible as a dot.
    context.lineCap = 'round';
    this.lanes.forEach((lane, laneIndex) => {
      const channel = lane.channel();
      const state = this.states[laneIndex]!;
      const top = (laneIndex * this.heightPx) / this.lanes.length;
      const height = this.heightPx / this.lanes.length;
      const head = channel ? Math.max(Number.isNaN(state.head) ? -Infinity : state.head, now - channel.playoutDelay(now)) : now;
      if (!channel) {
        if (!Number.isNaN(state.head)) this.erase(state.head, head + this.options.eraseMs, top, height);
        state.head = head;
        return;
      }
      if (!lane.range && this.rangeNeedsRefit(channel, state, head)) state.redraw = true;
      const fellBehind = state.next < channel.firstAvailable || head - state.head >= this.options.windowMs - this.options.eraseMs;
      context.strokeStyle = lane.color;
      if (state.redraw || Number.isNaN(state.head) || fellBehind) {
        this.redrawLane(lane, channel, state, head, top, height);
      } else {
        this.erase(state.head, head + this.options.eraseMs, top, height);
        context.beginPath();
        this.traceSamples(channel, state, head, top, height);
        context.stroke();
      }
      state.head = head;
    });
  }

  private redrawLane(lane: LaneSpec, channel: WaveformChannel, state: LaneState, head: number, top: number, height: number): void {
    this.context.clearRect(0, top, this.widthPx, height);
    const from = head - this.options.windowMs + this.options.eraseMs;
    state.next = Math.max(channel.firstIndexAtOrAfter(from), channel.firstAvailable);
    state.lastIndex = -1;
    if (!lane.range) state.range = fitRange(channel, state.next, head);
    this.context.beginPath();
    this.traceSamples(channel, state, head, top, height);
    this.context.stroke();
    state.redraw = false;
  }

  /** Adds path segments for every sample due by `head`, joining neighbours unless the stream broke. */
  private traceSamples(channel: WaveformChannel, state: LaneState, head: number, top: number, height: number): void {
    const context = this.context;
    const windowMs = this.options.windowMs;
    const range = state.range;
    if (!range) return;
    const span = range.max - range.min || 1;
    const usable = height * (1 - 2 * LANE_PADDING);
    const base = top + height * (1 - LANE_PADDING);
    const count = channel.count;
    let index = Math.max(state.next, channel.firstAvailable);
    // Whether the path's current point is the last drawn sample, so the next segment needs no moveTo.
    let penAtLast = false;
    for (; index < count; index++) {
      const time = channel.timeAt(index);
      if (time > head) break;
      const sweep = Math.floor(time / windowMs);
      const x = ((time - sweep * windowMs) / windowMs) * this.widthPx;
      const y = base - ((channel.valueAt(index) - range.min) / span) * usable;
      const joins = state.lastIndex === index - 1 && !channel.breaksBefore(index);
      if (joins && sweep === state.lastSweep) {
        if (!penAtLast) context.moveTo(state.lastX, state.lastY);
        context.lineTo(x, y);
      } else if (joins && sweep === state.lastSweep + 1) {
        // The segment crosses the right edge: finish it there and start it again at the left.
        if (!penAtLast) context.moveTo(state.lastX, state.lastY);
        context.lineTo(x + this.widthPx, y);
        context.moveTo(state.lastX - this.widthPx, state.lastY);
        context.lineTo(x, y);
      } else {
        context.moveTo(x, y);
        context.lineTo(x, y);
      }
      penAtLast = true;
      state.lastIndex = index;
      state.lastX = x;
      state.lastY = y;
      state.lastSweep = sweep;
    }
    state.next = index;
  }

  /** Clears the lane between two station times, wrapping at the right edge. */
  private erase(from: number, to: number, top: number, height: number): void {
    const windowMs = this.options.windowMs;
    if (to - from >= windowMs) {
      this.context.clearRect(0, top, this.widthPx, height);
      return;
    }
    const start = Math.floor(positionOf(from, windowMs) * this.widthPx);
    const end = Math.ceil(positionOf(to, windowMs) * this.widthPx);
    if (end >= start) {
      this.context.clearRect(start, top, end - start, height);
    } else {
      this.context.clearRect(start, top, this.widthPx - start, height);
      this.context.clearRect(0, top, end, height);
    }
  }

  private rangeNeedsRefit(channel: WaveformChannel, state: LaneState, head: number): boolean {
    if (!state.range) return channel.count > 0 && channel.timeAt(channel.firstAvailable) <= head;
    const range = state.range;
    let outside = false;
    for (let index = Math.max(state.next, channel.firstAvailable); index < channel.count; index++) {
      if (channel.timeAt(index) > head) break;
      const value = channel.valueAt(index);
      if (value < range.min || value > range.max) outside = true;
    }
    if (outside) return true;
    const windowMs = this.options.windowMs;
    const crossedSweep = !Number.isNaN(state.head) && Math.floor(head / windowMs) !== Math.floor(state.head / windowMs);
    if (!crossedSweep) return false;
    const fitted = fitRange(channel, channel.firstIndexAtOrAfter(head - windowMs), head);
    return fitted !== null && fitted.max - fitted.min < (range.max - range.min) * REFIT_BELOW_SHARE;
  }
}

function positionOf(time: number, windowMs: number): number {
  const within = time % windowMs;
  return (within < 0 ? within + windowMs : within) / windowMs;
}

/** Min and max of the samples from `from` up to `head`, widened so a flat line sits mid-lane. */
function fitRange(channel: WaveformChannel, from: number, head: number): { min: number; max: number } | null {
  let min = Infinity;
  let max = -Infinity;
  for (let index = Math.max(from, channel.firstAvailable); index < channel.count; index++) {
    if (channel.timeAt(index) > head) break;
    const value = channel.valueAt(index);
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (min === Infinity) return null;
  if (max - min < 1e-6) return { min: min - 1, max: max + 1 };
  return { min, max };
}
