/**
 * The hub's recorder: the capture module's RecordingIo writing into a new .cap file. An existing
 * file is never overwritten, and a failing disk ends the capture without touching the device.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { RecordingIo } from '../capture/recording-io';
import type { CaptureHeader } from '../capture/format';
import type { OpenDeviceIo, RecordIo, RecordingTarget } from './opened-device';

export const recordToFile: RecordIo = async (io, target) => {
  const out = createWriteStream(target.outPath, { flags: 'wx', encoding: 'utf8' });
  let writeError: Error | undefined;
  out.on('error', (error) => {
    writeError ??= error;
  });
  await Promise.race([
    once(out, 'open'),
    once(out, 'error').then(() => {
      throw new Error(`cannot write ${target.outPath}: ${writeError?.message ?? 'unknown error'}`);
    }),
  ]);
  const recording = new RecordingIo(io, captureHeader(target), (text) => {
    if (writeError === undefined) out.write(text);
  });
  const recorded: OpenDeviceIo = {
    transport: recording.transport,
    read: (timeoutMs) => recording.read(timeoutMs),
    write: (data) => recording.write(data),
    sendFeatureReport: (data) => recording.sendFeatureReport(data),
    now: () => recording.now(),
    sleep: (ms) => recording.sleep(ms),
    close: async () => {
      try {
        await io.close();
      } finally {
        await finish(out);
      }
      if (writeError !== undefined) throw new Error(`the capture ${target.outPath} is incomplete: ${writeError.message}`);
    },
  };
  return recorded;
};

function captureHeader({ manifest, candidate }: RecordingTarget): CaptureHeader {
  const header: CaptureHeader = { device: manifest.id, source: `recorded live by VitalBridge from ${candidate.product ?? candidate.path}`, extra: [] };
  if (manifest.transport !== 'simulated') header.transport = manifest.transport;
  if (candidate.vendorId !== undefined) header.vid = candidate.vendorId;
  if (candidate.productId !== undefined) header.pid = candidate.productId;
  if (manifest.serial !== undefined) header.serial = `${manifest.serial.baudRate} ${manifest.serial.dataBits}N${manifest.serial.stopBits}`;
  return header;
}

function finish(out: WriteStream): Promise<void> {
  if (out.destroyed) return Promise.resolve();
  return new Promise((resolve) => out.end(() => resolve()));
}
