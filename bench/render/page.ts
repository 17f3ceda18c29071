/**
 * One contender per page load (?contender=sweep|smoothie|uplot): four 500 Hz channels in a 10 s
 * window on 1200×600 CSS pixels, fed once per display frame with the samples that came due, the way
 * the station core batches them. The driver (bench/render.ts) reads window.__bench.
 */
import { SmoothieChart, TimeSeries } from 'smoothie';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { WaveformChannel } from '../../src/renderer/waveform/waveform-channel';
import { SweepRenderer } from '../../src/renderer/waveform/sweep-renderer';

const CHANNELS = 4;
const RATE_HZ = 500;
const WINDOW_MS = 10_000;
const WIDTH = 1200;
const HEIGHT = 600;
const COLORS = ['#4cff7a', '#3fd8ff', '#ff6b6b', '#ffe98a'];

type Feed = (channel: number, startedAt: number, samples: number[]) => void;

interface BenchState {
  ready: boolean;
  frames: number;
  error: string | null;
}
declare global {
  interface Window {
    __bench: BenchState;
  }
}
window.__bench = { ready: false, frames: 0, error: null };

/** An ECG-like trace: a narrow spike per beat on a slow baseline wander, different per channel. */
function sampleValue(channel: number, index: number): number {
  const t = index / RATE_HZ;
  const beat = (t * (1 + channel * 0.15)) % 1;
  const spike = Math.exp(-(((beat - 0.3) / 0.012) ** 2)) * 1.2 - Math.exp(-(((beat - 0.33) / 0.02) ** 2)) * 0.3;
  const wave = Math.exp(-(((beat - 0.6) / 0.05) ** 2)) * 0.25;
  return spike + wave + 0.1 * Math.sin(2 * Math.PI * 0.3 * t + channel);
}

const now = () => performance.timeOrigin + performance.now();
const startedAt = now();
let emitted = 0;

/** Every frame: hand each channel the samples due since the previous frame. */
function pump(feed: Feed): void {
  const due = Math.floor(((now() - startedAt) / 1000) * RATE_HZ);
  if (due <= emitted) return;
  for (let channel = 0; channel < CHANNELS; channel++) {
    const samples: number[] = [];
    for (let index = emitted; index < due; index++) samples.push(sampleValue(channel, index));
    feed(channel, startedAt + (emitted * 1000) / RATE_HZ, samples);
  }
  emitted = due;
}

function loop(step: () => void): void {
  const frame = () => {
    step();
    window.__bench.frames++;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

function canvasOnStage(): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.style.width = `${WIDTH}px`;
  canvas.style.height = `${HEIGHT}px`;
  document.getElementById('stage')!.append(canvas);
  return canvas;
}

function runSweep(): void {
  const channels = COLORS.map(() => new WaveformChannel(WINDOW_MS + 2_000));
  const canvas = canvasOnStage();
  const renderer = new SweepRenderer(
    canvas,
    channels.map((channel, index) => ({ channel: () => channel, color: COLORS[index]!, range: { min: -0.6, max: 1.4 } })),
    { windowMs: WINDOW_MS, eraseMs: 200, lineWidthCss: 1.5 },
  );
  renderer.resize(WIDTH * devicePixelRatio, HEIGHT * devicePixelRatio, devicePixelRatio);
  loop(() => {
    pump((channel, at, samples) => channels[channel]!.append({ deviceId: 'bench', metric: 'ecg', rateHz: RATE_HZ, startedAt: at, samples }, now()));
    renderer.draw(now());
  });
}

function runSmoothie(): void {
  const chart = new SmoothieChart({
    millisPerPixel: WINDOW_MS / WIDTH,
    interpolation: 'linear',
    maxDataSetLength: Math.ceil((WINDOW_MS / 1000) * RATE_HZ * 1.2),
    minValue: -0.6,
    maxValue: CHANNELS * 2 - 0.6,
    grid: { fillStyle: '#000', strokeStyle: 'transparent', verticalSections: 0, borderVisible: false },
    labels: { disabled: true },
  });
  const series = COLORS.map((color) => {
    const timeSeries = new TimeSeries();
    chart.addTimeSeries(timeSeries, { strokeStyle: color, lineWidth: 1.5 });
    return timeSeries;
  });
  const canvas = canvasOnStage();
  canvas.width = WIDTH;
  canvas.height = HEIGHT;
  chart.streamTo(canvas, 0);
  // Smoothie runs its own animation loop; this loop only feeds it and counts frames.
  loop(() =>
    pump((channel, at, samples) => {
      const offset = (CHANNELS - 1 - channel) * 2;
      samples.forEach((value, i) => series[channel]!.append(at + (i * 1000) / RATE_HZ, value + offset));
    }),
  );
}

function runUplot(): void {
  const capacity = Math.ceil((WINDOW_MS / 1000) * RATE_HZ);
  const times: number[] = [];
  const values: number[][] = COLORS.map(() => []);
  const plot = new uPlot(
    {
      width: WIDTH,
      height: HEIGHT,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: false }, y: { auto: false, range: [-0.6, CHANNELS * 2 - 0.6] } },
      axes: [{ show: false }, { show: false }],
      series: [{}, ...COLORS.map((stroke) => ({ stroke, width: 1.5, points: { show: false } }))],
    },
    [[], ...COLORS.map(() => [])],
    document.getElementById('stage')!,
  );
  loop(() => {
    let fed = false;
    pump((channel, at, samples) => {
      const offset = (CHANNELS - 1 - channel) * 2;
      if (channel === 0) samples.forEach((_, i) => times.push((at + (i * 1000) / RATE_HZ) / 1000));
      for (const value of samples) values[channel]!.push(value + offset);
      fed = true;
    });
    if (!fed) return;
    const excess = times.length - capacity;
    if (excess > 0) {
      times.splice(0, excess);
      for (const series of values) series.splice(0, excess);
    }
    plot.setData([times, ...values]);
  });
}

try {
  const contender = new URLSearchParams(location.search).get('contender');
  if (contender === 'sweep') runSweep();
  else if (contender === 'smoothie') runSmoothie();
  else if (contender === 'uplot') runUplot();
  else throw new Error(`unknown contender ${contender}`);
  window.__bench.ready = true;
} catch (error) {
  window.__bench.error = error instanceof Error ? error.message : String(error);
}
