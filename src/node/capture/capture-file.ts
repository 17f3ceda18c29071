/**
 * Reading a capture file from disk, for the replay verb and for web mode's replayed devices. The
 * file is parsed as it streams in, one line at a time: neither the whole text nor an array of its
 * lines is ever held, only the parsed records, and for a replay those go into a compact
 * RecordStore (record-store.ts) so memory grows with the file's bytes, not its record count.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { CaptureParser, type Capture, type CaptureOf, type CaptureRecord, type RecordSink } from './format';

/** Far above any real session; stops a mistaken argument (a disk image, a log) from filling memory. */
export const MAX_CAPTURE_BYTES = 64 * 1024 * 1024;

/** The file cannot be a capture: missing, not a file, unreadable or far too large. Bad input. */
export class CaptureFileError extends Error {
  override readonly name = 'CaptureFileError';
}

const unreadable = (file: string, error: unknown) => new CaptureFileError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);

/**
 * The parsed capture; throws CaptureFileError for a file that cannot be read, CaptureFormatError
 * for a malformed one. Its records go into `records`: an array by default, a RecordStore for a
 * replay (compact, without the comments between records).
 */
export function readCaptureFile(file: string): Promise<Capture>;
export function readCaptureFile<Records extends RecordSink>(file: string, records: Records): Promise<CaptureOf<Records>>;
export async function readCaptureFile(file: string, records: RecordSink = new Array<CaptureRecord>()): Promise<CaptureOf<RecordSink>> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new CaptureFileError(`${file} is not a file`);
    size = info.size;
  } catch (error) {
    if (error instanceof CaptureFileError) throw error;
    throw unreadable(file, error);
  }
  if (size > MAX_CAPTURE_BYTES) throw new CaptureFileError(`${file} is larger than ${MAX_CAPTURE_BYTES} bytes; not a capture`);
  const stream = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const parser = new CaptureParser(records);
  try {
    for await (const line of lines) parser.line(line);
  } catch (error) {
    if (error instanceof Error && 'code' in error) throw unreadable(file, error);
    throw error;
  } finally {
    lines.close();
    stream.destroy();
  }
  return parser.finish();
}
