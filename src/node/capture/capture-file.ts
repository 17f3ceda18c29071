/** Reading a capture file from disk, for the replay verb and for web mode's replayed devices. */
import { readFile, stat } from 'node:fs/promises';

/** Far above any real session; stops a mistaken argument (a disk image, a log) from filling memory. */
export const MAX_CAPTURE_BYTES = 64 * 1024 * 1024;

/** The file cannot be a capture: missing, not a file, unreadable or far too large. Bad input. */
export class CaptureFileError extends Error {
  override readonly name = 'CaptureFileError';
}

export async function readCaptureFile(file: string): Promise<string> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new CaptureFileError(`${file} is not a file`);
    size = info.size;
  } catch (error) {
    if (error instanceof CaptureFileError) throw error;
    throw new CaptureFileError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  if (size > MAX_CAPTURE_BYTES) throw new CaptureFileError(`${file} is larger than ${MAX_CAPTURE_BYTES} bytes; not a capture`);
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new CaptureFileError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}
