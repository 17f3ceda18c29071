/**
 * BLE sessions through the capture format and the replay path the `replay` verb uses: GATT records
 * parse into frames, serialise back unchanged, and replay through the BLE driver into readings.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CaptureFormatError, parseCapture, serialiseCapture } from '../capture/format';
import { RecordingIo } from '../capture/recording-io';
import { replayCaptureToArray } from '../capture/replay';
import { BleFrameIo } from './ble-frame-io';
import { decodeGattFrame, encodeGattFrame, normaliseUuid } from './gatt-frame';

const CUFF_CAPTURE = readFileSync(new URL('../../../resources/captures/ble-blood-pressure-indication.cap', import.meta.url), 'utf8');

describe('GATT records in the capture format', () => {
  it('parses notify/indicate/read/write <service>/<characteristic> <hex> and writes them back the same', () => {
    const text = ['# vitalbridge-capture 1', '# transport: ble', '', 'read 180f/2a19 55', 'notify 180d/2a37 16 48 00 04', 'write 1808/2a52 01 01', '+10 indicate 1810/2a35 00 78 00 50 00 5a 00', ''].join('\n');
    const capture = parseCapture(text);
    expect(capture.header.transport).toBe('ble');
    expect(capture.records.map((r) => [r.direction, decodeGattFrame(r.bytes)])).toEqual([
      ['read', { op: 'read', service: '180f', characteristic: '2a19', value: Uint8Array.of(0x55) }],
      ['notify', { op: 'notify', service: '180d', characteristic: '2a37', value: Uint8Array.of(0x16, 0x48, 0x00, 0x04) }],
      ['write', { op: 'write', service: '1808', characteristic: '2a52', value: Uint8Array.of(1, 1) }],
      ['indicate', { op: 'indicate', service: '1810', characteristic: '2a35', value: Uint8Array.of(0, 0x78, 0, 0x50, 0, 0x5a, 0) }],
    ]);
    expect(serialiseCapture(capture)).toBe(text.replace('\n\n', '\n\n'));
  });

  it('accepts full 128-bit UUIDs, shortening Bluetooth base UUIDs to 4 digits', () => {
    const capture = parseCapture('# vitalbridge-capture 1\nnotify 00001810-0000-1000-8000-00805F9B34FB/6e400003b5a3f393e0a9e50e24dcca9e 01\n');
    expect(decodeGattFrame(capture.records[0]!.bytes)).toMatchObject({ service: '1810', characteristic: '6e400003b5a3f393e0a9e50e24dcca9e' });
  });

  it.each([
    ['notify 2a35 01', 'needs <service>/<characteristic>'],
    ['notify 1810/2a3 01', 'needs <service>/<characteristic>'],
    ['indicate 1810/2a35', 'data line has no bytes'],
    ['notify 1810/2a35 1', 'two hex digits each'],
  ])('names the line of a malformed GATT record: %s', (line, message) => {
    expect(() => parseCapture(`# vitalbridge-capture 1\n${line}\n`)).toThrow(CaptureFormatError);
    expect(() => parseCapture(`# vitalbridge-capture 1\n${line}\n`)).toThrow(message);
  });

  it('frames reject what is not a frame and normalise UUIDs', () => {
    expect(decodeGattFrame(Uint8Array.of(9, 0, 0))).toBeNull();
    expect(decodeGattFrame(Uint8Array.of(0, 4, 0x31))).toBeNull();
    expect(decodeGattFrame(encodeGattFrame({ op: 'notify', service: '180d', characteristic: '2a37', value: Uint8Array.of() }))).toMatchObject({ value: Uint8Array.of() });
    expect(normaliseUuid('0x2A35')).toBe('2a35');
    expect(normaliseUuid('not-a-uuid')).toBeNull();
  });
});

describe('replaying a BLE blood-pressure session', () => {
  // The capture's readings are checked against its # expect: line in test/captures-ble.test.ts.
  it('reports a low battery read as the device condition', async () => {
    const outputs = await replayCaptureToArray(CUFF_CAPTURE.replace('read 180f/2a19 55', 'read 180f/2a19 0a'));
    expect(outputs[0]).toEqual({ type: 'status', condition: 'low-battery', detail: 'battery at 10 %' });
  });

  it('says a damaged value is unreadable instead of reading it', async () => {
    const outputs = await replayCaptureToArray('# vitalbridge-capture 1\n# device: ble-thermometer\n# transport: ble\nindicate 1809/2a1c 00 6d 01\n');
    expect(outputs).toEqual([{ type: 'status', condition: 'device-fault', detail: 'unreadable 2a1c value: the 3-byte value ends before its temperature' }]);
  });
});

describe('recording a BLE session', () => {
  it('writes what the device sent and what the host wrote as GATT records that replay again', async () => {
    const written: Uint8Array[] = [];
    const live = new BleFrameIo({ write: async (frame) => void written.push(frame), close: async () => undefined });
    let text = '';
    const recording = new RecordingIo(live, { device: 'ble-blood-pressure', transport: 'ble', extra: [] }, (chunk) => (text += chunk));
    live.deliver(encodeGattFrame({ op: 'read', service: '180f', characteristic: '2a19', value: Uint8Array.of(0x55) }));
    live.deliver(encodeGattFrame({ op: 'indicate', service: '1810', characteristic: '2a35', value: Uint8Array.of(0, 0x78, 0, 0x50, 0, 0x5a, 0) }));
    await recording.read(0);
    await recording.read(0);
    await recording.write(encodeGattFrame({ op: 'write', service: '1808', characteristic: '2a52', value: Uint8Array.of(1, 1) }));
    expect(written).toHaveLength(1);
    const dataLines = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    // Delays follow the wall clock; only the records matter here.
    expect(dataLines.map((line) => line.replace(/^\+\d+ /, ''))).toEqual(['read 180f/2a19 55', 'indicate 1810/2a35 00 78 00 50 00 5a 00', 'write 1808/2a52 01 01']);
    const replayed = await replayCaptureToArray(text.replace(/^.*write 1808\/2a52 01 01\n/m, ''));
    expect(replayed.filter((o) => o.type === 'observation').map((o) => o.type === 'observation' && o.metric)).toEqual(['systolic', 'diastolic', 'meanArterialPressure']);
  });
});
