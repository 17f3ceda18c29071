/**
 * Keeps a canvas backing store at the element's exact device-pixel size, also when the window
 * moves to a display with another pixel ratio.
 */
export function observeCanvasSize(canvas: HTMLCanvasElement, onSize: (widthPx: number, heightPx: number, pixelRatio: number) => void): () => void {
  const observer = new ResizeObserver((entries) => {
    const entry = entries[entries.length - 1];
    if (!entry) return;
    const ratio = window.devicePixelRatio || 1;
    const devicePixels = entry.devicePixelContentBoxSize?.[0];
    if (devicePixels) onSize(devicePixels.inlineSize, devicePixels.blockSize, ratio);
    else onSize(entry.contentRect.width * ratio, entry.contentRect.height * ratio, ratio);
  });
  try {
    observer.observe(canvas, { box: 'device-pixel-content-box' });
  } catch {
    // Browsers without device-pixel boxes report CSS pixels, scaled above.
    observer.observe(canvas);
  }
  return () => observer.disconnect();
}
