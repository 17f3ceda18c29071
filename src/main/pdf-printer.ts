/**
 * The desktop app's printer for visit summaries (printVisitSummary): the PDF is opened in a hidden,
 * sandboxed window by Chromium's own PDF viewer and printed with webContents.print, which shows the
 * system's print dialog (printer, copies, pages) as a print from any application would. Since
 * Electron 32 (electron/electron#43309, fixing #30947) webContents.print of a PDF document prints
 * its pages instead of a blank sheet; `plugins: true` is what lets the window show a PDF at all.
 * The PDF travels as a data: URL held in memory, never as a file: it is health data, and a
 * temporary file would outlive a crash unencrypted. The window has no preload and no Node, as
 * every window of the app.
 */
import { BrowserWindow } from 'electron';

/** What Electron answers when the person closes the print dialog without printing: not a failure. */
const CANCELLED = 'Print job canceled';

export function printPdfInHiddenWindow(pdf: Buffer, title: string): Promise<void> {
  const window = new BrowserWindow({
    show: false,
    title,
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      javascript: false,
      // Like every window of the app (window.ts): a middle click on a link opens no new window.
      disableBlinkFeatures: 'Auxclick',
      plugins: true,
      spellcheck: false,
    },
  });
  return new Promise<void>((resolve, reject) => {
    const done = (error?: Error) => {
      if (!window.isDestroyed()) window.destroy();
      if (error) reject(error);
      else resolve();
    };
    window.webContents.once('did-fail-load', (_event, code: number, description: string) => done(new Error(`the PDF could not be opened for printing (${code} ${description})`)));
    window.webContents.once('did-finish-load', () => {
      window.webContents.print({ silent: false, printBackground: true }, (success, failureReason) => {
        done(success || failureReason === CANCELLED ? undefined : new Error(`printing failed: ${failureReason}`));
      });
    });
    window.loadURL(`data:application/pdf;base64,${pdf.toString('base64')}`).catch((error: unknown) => done(error instanceof Error ? error : new Error(String(error))));
  });
}
