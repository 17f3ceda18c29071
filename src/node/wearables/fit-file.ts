/**
 * One FIT file, decoded with Garmin's official SDK (@garmin/fitsdk): its messages in file order,
 * each with its time resolved, the device that wrote it and the file's local-time offset.
 *
 * FIT times count seconds from the FIT epoch, 1989-12-31T00:00:00Z (FIT protocol, "date_time";
 * the SDK turns full timestamps into Dates). Monitoring files store most samples with a 16-bit
 * `timestamp_16`, the low 16 bits of the time, to be placed after the last full timestamp of the
 * file (FIT SDK "Monitoring file" documentation, developer.garmin.com/fit/file-types/monitoring);
 * the SDK leaves that to the reader, so it is done here. A monitoring_info message carries both
 * the UTC time and the watch's local time, and their difference is the file's offset from UTC.
 */
import { Decoder, Profile, Stream } from '@garmin/fitsdk';

/** Seconds between the Unix epoch and the FIT epoch (1989-12-31T00:00:00Z). */
export const FIT_EPOCH_S = 631_065_600;

export class FitFileError extends Error {
  override name = 'FitFileError';
}

export interface FitDeviceIdentity {
  manufacturer: string | null;
  /** The product's name in the FIT profile ("fenix6"), else its number. */
  product: string | null;
  serialNumber: string | null;
}

export interface FitMessage {
  /** The message's name in the FIT profile, e.g. "monitoring", "sleepLevel". */
  name: string;
  /** Its time in ms since the Unix epoch (full or resolved from timestamp_16); null when it has none. */
  at: number | null;
  fields: Readonly<Record<string, unknown>>;
}

export interface FitFile {
  /** The FIT file type ("monitoringB", "sleep", "activity", ...). */
  type: string | null;
  device: FitDeviceIdentity;
  /** The watch's local time minus UTC, in seconds, when the file says; null when it does not. */
  utcOffsetS: number | null;
  messages: readonly FitMessage[];
}

const text = (value: unknown): string | null => (typeof value === 'string' || typeof value === 'number' ? String(value) : null);

/** Resolves timestamp_16 fields against the last full timestamp seen, across all message types. */
class FitClock {
  #lastS: number | null = null;

  at(fields: Record<string, unknown>): number | null {
    const full = fields.timestamp;
    if (full instanceof Date) {
      this.#lastS = Math.round(full.getTime() / 1000) - FIT_EPOCH_S;
      return full.getTime();
    }
    const short = fields.timestamp16;
    if (typeof short !== 'number' || this.#lastS === null) return null;
    // The 16-bit value rolls over every 65,536 s (18.2 h): add the forward distance from the last full time.
    this.#lastS += (short - (this.#lastS & 0xffff)) & 0xffff;
    return (this.#lastS + FIT_EPOCH_S) * 1000;
  }
}

/**
 * Decodes `bytes`, or throws FitFileError naming what is wrong. A file that fails the FIT
 * integrity check (header, declared size, CRC), as a truncated copy or a damaged card does, is
 * refused whole: nothing of it is returned, so nothing of it can be half-imported.
 */
export function decodeFitFile(bytes: Uint8Array): FitFile {
  if (!Decoder.isFIT(Stream.fromByteArray(bytes))) throw new FitFileError('not a FIT file (no ".FIT" header)');
  if (!new Decoder(Stream.fromByteArray(bytes)).checkIntegrity()) {
    throw new FitFileError('damaged FIT file: its size or checksum does not match its header (truncated or corrupted)');
  }
  const clock = new FitClock();
  const messages: FitMessage[] = [];
  const mesgNames = Profile.types.mesgNum as Record<number, string | undefined>;
  const { errors } = new Decoder(Stream.fromByteArray(bytes)).read({
    // The listener hears every message in file order (read()'s result groups them by type and loses that order).
    mesgListener: (number, mesg) => {
      const message = mesg as unknown as Record<string, unknown>;
      messages.push({ name: mesgNames[number] ?? `message ${number}`, at: clock.at(message), fields: message });
    },
  });
  if (errors.length > 0) throw new FitFileError(`FIT file could not be decoded: ${String(errors[0])}`);

  const fileId = messages.find((message) => message.name === 'fileId')?.fields ?? {};
  const info = messages.find((message) => message.name === 'monitoringInfo');
  const localS = info?.fields.localTimestamp;
  return {
    type: text(fileId.type),
    device: { manufacturer: text(fileId.manufacturer), product: text(fileId.garminProduct ?? fileId.product), serialNumber: text(fileId.serialNumber) },
    utcOffsetS: typeof localS === 'number' && info?.at != null ? localS + FIT_EPOCH_S - info.at / 1000 : null,
    messages,
  };
}
