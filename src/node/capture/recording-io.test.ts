import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeviceClosedError, type DeviceIo } from '../drivers/driver';
import { parseCapture, type Capture } from './format';
import { RecordingIo } from './recording-io';
import { ReplayIo } from './replay-io';

const capturesDir = join(import.meta.dirname, '../../../resources/captures');

/** Plays the host side of a capture with its recorded delays: the perfect driver for that session. */
async function actHost(capture: Capture, io: DeviceIo): Promise<void> {
  for (const record of capture.records) {
    if (record.direction === 'out' || record.direction === 'feature-out') {
      await io.sleep(record.delayMs);
      await (record.direction === 'out' ? io.write(record.bytes) : io.sendFeatureReport(record.bytes));
    } else if (record.direction === 'in') {
      expect(await io.read(60_000)).toEqual(record.bytes);
    }
  }
  await expect(io.read(1000)).rejects.toBeInstanceOf(DeviceClosedError);
}

const essence = (capture: Capture) => ({
  header: capture.header,
  records: capture.records.map(({ delayMs, direction, bytes }) => ({ delayMs, direction, bytes })),
});

describe('RecordingIo', () => {
  it.each(['omron-hem790it-one-reading.cap', 'hid-pos-scale-dymo.cap', 'cms50dplus-markmll-frame.cap'])(
    'records a replay of %s back into an equivalent capture',
    async (name) => {
      const original = parseCapture(readFileSync(join(capturesDir, name), 'utf8'));
      let recorded = '';
      const io = new RecordingIo(new ReplayIo(original), original.header, (text) => (recorded += text));
      await actHost(original, io);
      const again = parseCapture(recorded);
      expect(essence(again)).toEqual(essence(original));
    },
  );

  it('writes the header at once and each record as it happens', async () => {
    const chunks: string[] = [];
    const replay = new ReplayIo(parseCapture('# vitalbridge-capture 1\nout 01\n+40 in 02\n'));
    const io = new RecordingIo(replay, { device: 'x', transport: 'hid', extra: [] }, (text) => chunks.push(text));
    expect(chunks).toEqual(['# vitalbridge-capture 1\n# device: x\n# transport: hid\n\n']);
    await io.sleep(5);
    await io.write(Uint8Array.of(1));
    expect(chunks.at(-1)).toBe('+5 out 01\n');
    expect(await io.read(10)).toBeNull();
    expect(chunks).toHaveLength(2);
    await io.read(100);
    expect(chunks.at(-1)).toBe('+40 in 02\n');
  });

  it('does not let rounding of sub-millisecond clocks accumulate', async () => {
    let now = 0;
    const inner: DeviceIo = {
      transport: 'serial',
      read: () => Promise.resolve(Uint8Array.of(now)),
      write: () => Promise.resolve(),
      sendFeatureReport: () => Promise.resolve(),
      now: () => now,
      sleep: () => Promise.resolve(),
    };
    let text = '';
    const io = new RecordingIo(inner, { extra: [] }, (chunk) => (text += chunk));
    for (let i = 0; i < 10; i++) {
      now += 1.4;
      await io.read(0);
    }
    const total = parseCapture(text).records.reduce((sum, r) => sum + r.delayMs, 0);
    expect(total).toBe(14);
  });

  it('notes a failed write in the capture and passes the error on', async () => {
    const inner: DeviceIo = {
      transport: 'hid',
      read: () => Promise.resolve(null),
      write: () => Promise.reject(new DeviceClosedError('unplugged\nmid-write')),
      sendFeatureReport: () => Promise.resolve(),
      now: () => 0,
      sleep: () => Promise.resolve(),
    };
    let text = '';
    const io = new RecordingIo(inner, { extra: [] }, (chunk) => (text += chunk));
    await expect(io.write(Uint8Array.of(9))).rejects.toBeInstanceOf(DeviceClosedError);
    expect(text).toContain('out 09\n# the out record above failed: unplugged mid-write\n');
    expect(parseCapture(text).trailingComments).toEqual([' the out record above failed: unplugged mid-write']);
  });
});
