import { useEffect, useRef } from 'react';
import type { DisplayLoop } from '../station/display-loop';
import type { StationStore } from '../station/station-store';
import type { TileView } from '../station/station-model';
import { SweepRenderer } from '../waveform/sweep-renderer';
import { observeCanvasSize } from '../waveform/fit-canvas';

const PLETH_SWEEP = { windowMs: 8_000, eraseMs: 300, lineWidthCss: 2 };
const PLETH_COLOR = '#3fd8ff';

/** The pleth drawn by the display loop; React only mounts the canvas and never re-renders it per frame. */
export function PlethWaveform({ store, display, tile }: { store: StationStore; display: DisplayLoop; tile: TileView | undefined }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const renderer = new SweepRenderer(canvas, [{ channel: () => store.waveform('pleth'), color: PLETH_COLOR }], PLETH_SWEEP);
    const stopObserving = observeCanvasSize(canvas, (width, height, ratio) => renderer.resize(width, height, ratio));
    const stopDrawing = display.add((now) => renderer.draw(now));
    return () => {
      stopDrawing();
      stopObserving();
    };
  }, [store, display]);

  const signalProblem = tile && (tile.state === 'invalid' || tile.state === 'stale') ? tile.reason : null;
  return (
    <section className="waveform-panel" aria-labelledby="pleth-heading">
      <h2 id="pleth-heading" className="panel-heading">
        Pleth
      </h2>
      <canvas className="waveform-canvas" data-waveform="pleth" role="img" aria-label="Plethysmograph waveform, sweeping left to right" ref={canvasRef} />
      {signalProblem ? <p className="waveform-notice">{signalProblem}</p> : null}
    </section>
  );
}
