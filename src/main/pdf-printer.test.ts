import { beforeEach, expect, it, vi } from 'vitest';

type Listener = (...args: unknown[]) => void;
const windows = vi.hoisted(
  () =>
    [] as {
      options: Record<string, unknown>;
      loaded: string[];
      destroyed: boolean;
      listeners: Map<string, Listener>;
      printed: { options: unknown; answer: (success: boolean, reason: string) => void }[];
    }[],
);
vi.mock('electron', () => ({
  BrowserWindow: class {
    readonly record;
    readonly webContents;
    constructor(options: Record<string, unknown>) {
      const record = { options, loaded: [] as string[], destroyed: false, listeners: new Map<string, Listener>(), printed: [] as { options: unknown; answer: (success: boolean, reason: string) => void }[] };
      this.record = record;
      windows.push(record);
      this.webContents = {
        once: (event: string, listener: Listener) => record.listeners.set(event, listener),
        print: (printOptions: unknown, answer: (success: boolean, reason: string) => void) => record.printed.push({ options: printOptions, answer }),
      };
    }
    loadURL(url: string): Promise<void> {
      this.record.loaded.push(url);
      return Promise.resolve();
    }
    isDestroyed(): boolean {
      return this.record.destroyed;
    }
    destroy(): void {
      this.record.destroyed = true;
    }
  },
}));

const { printPdfInHiddenWindow } = await import('./pdf-printer');
const PDF = Buffer.from('%PDF-1.7 test');

beforeEach(() => windows.splice(0));

it('opens the PDF from memory in a hidden sandboxed window with the PDF viewer, prints it with the dialog, then closes the window', async () => {
  const printing = printPdfInHiddenWindow(PDF, 'visit-summary-2025-01-15-0900.pdf');
  const [window] = windows;
  expect(window!.options).toEqual({
    show: false,
    title: 'visit-summary-2025-01-15-0900.pdf',
    webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, javascript: false, plugins: true, spellcheck: false, disableBlinkFeatures: 'Auxclick' },
  });
  expect(window!.loaded).toEqual([`data:application/pdf;base64,${PDF.toString('base64')}`]);
  // Nothing is printed before the PDF has loaded.
  expect(window!.printed).toEqual([]);
  window!.listeners.get('did-finish-load')!();
  expect(window!.printed.map((job) => job.options)).toEqual([{ silent: false, printBackground: true }]);
  expect(window!.destroyed).toBe(false);
  window!.printed[0]!.answer(true, '');
  await expect(printing).resolves.toBeUndefined();
  expect(window!.destroyed).toBe(true);
});

it('takes a cancelled dialog as done, and reports a failed print or a PDF that did not load, closing the window each time', async () => {
  const cancelled = printPdfInHiddenWindow(PDF, 'a.pdf');
  windows[0]!.listeners.get('did-finish-load')!();
  windows[0]!.printed[0]!.answer(false, 'Print job canceled');
  await expect(cancelled).resolves.toBeUndefined();

  const failed = printPdfInHiddenWindow(PDF, 'b.pdf');
  windows[1]!.listeners.get('did-finish-load')!();
  windows[1]!.printed[0]!.answer(false, 'Print job failed');
  await expect(failed).rejects.toThrow('printing failed: Print job failed');

  const unloaded = printPdfInHiddenWindow(PDF, 'c.pdf');
  windows[2]!.listeners.get('did-fail-load')!({}, -3, 'ABORTED');
  await expect(unloaded).rejects.toThrow('the PDF could not be opened for printing (-3 ABORTED)');
  expect(windows.map((window) => window.destroyed)).toEqual([true, true, true]);
});
