/**
 * Prints a PDF from the page, for a station without a printer of its own (web mode): the browser's
 * PDF viewer opens it in an off-screen iframe and that frame's print() shows the browser's print
 * dialog for the PDF itself (not for this screen). The frame and its Blob stay until the next
 * print or until the screen goes: Chromium prints a PDF frame asynchronously, and removing it early
 * would cancel the print.
 */

let previous: { frame: HTMLIFrameElement; url: string } | null = null;

function forgetPrevious(): void {
  if (!previous) return;
  previous.frame.remove();
  URL.revokeObjectURL(previous.url);
  previous = null;
}

/** Resolves once the print dialog was asked for; rejects when the PDF could not be opened in the frame. */
export function printPdfInPage(pdf: Blob, title: string): Promise<void> {
  forgetPrevious();
  const url = URL.createObjectURL(pdf);
  const frame = document.createElement('iframe');
  frame.title = title;
  frame.setAttribute('aria-hidden', 'true');
  frame.tabIndex = -1;
  // Off-screen rather than display: none, which Chromium does not print.
  frame.style.cssText = 'position: fixed; right: 0; bottom: 0; width: 0; height: 0; border: 0;';
  frame.dataset.role = 'print-frame';
  previous = { frame, url };
  return new Promise<void>((resolve, reject) => {
    frame.addEventListener(
      'load',
      () => {
        const view = frame.contentWindow;
        try {
          if (!view) throw new Error('the PDF could not be opened for printing');
          view.focus();
          view.print();
          resolve();
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      },
      { once: true },
    );
    frame.src = url;
    document.body.append(frame);
  });
}
