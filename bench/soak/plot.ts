/**
 * One small PNG per series: drawn by uPlot (already the project's chart library, bench:render
 * measures it) in a Chromium page and screenshotted, so the plots need no image library of their own.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { SIMULATED_HOUR_MS } from './plan';
import { SERIES, type Recording, type SeriesName } from './series';

const require = createRequire(import.meta.url);
const UPLOT_SCRIPT = require.resolve('uplot/dist/uPlot.iife.min.js');
const UPLOT_STYLE = require.resolve('uplot/dist/uPlot.min.css');
const SIZE = { width: 640, height: 300 };

/** Writes `<outDir>/<series>.png` for each series; returns the files written. */
export async function plotSeries(browser: Browser, recording: Recording, outDir: string): Promise<string[]> {
  const page = await browser.newPage({ viewport: { width: SIZE.width + 20, height: SIZE.height + 60 } });
  const files: string[] = [];
  try {
    await page.setContent('<!doctype html><html><body style="margin:8px;background:#fff;font:13px sans-serif"><div id="plot"></div></body></html>');
    await page.addStyleTag({ path: UPLOT_STYLE });
    await page.addScriptTag({ path: UPLOT_SCRIPT });
    for (const name of Object.keys(SERIES) as SeriesName[]) {
      const points = recording[name];
      if (points.length === 0) continue;
      const hours = points.map((p) => p.simMs / SIMULATED_HOUR_MS);
      const values = points.map((p) => p.value);
      await page.evaluate(
        ({ title, hours, values, size }) => {
          const target = document.getElementById('plot')!;
          target.replaceChildren();
          const uPlot = (window as unknown as { uPlot: new (options: object, data: number[][], target: HTMLElement) => unknown }).uPlot;
          new uPlot(
            {
              title,
              ...size,
              scales: { x: { time: false } },
              axes: [{ label: 'simulated hours' }, {}],
              series: [{ label: 'h' }, { label: title, stroke: '#1f5fbf', width: 1 }],
              legend: { show: false },
            },
            [hours, values],
            target,
          );
        },
        { title: SERIES[name], hours, values, size: SIZE },
      );
      const file = join(outDir, `${name}.png`);
      await page.locator('#plot').screenshot({ path: file });
      files.push(file);
    }
  } finally {
    await page.close();
  }
  return files;
}
