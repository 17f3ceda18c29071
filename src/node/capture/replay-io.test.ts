import { describe, expect, it } from 'vitest';
import { DeviceClosedError } from '../drivers/driver';
import { parseCapture } from './format';
import { ReplayIo, ReplayMismatchError, type ReplayIoOptions } from './replay-io';

function replayIo(body: string, options?: ReplayIoOptions): ReplayIo {
  return new ReplayIo(parseCapture(`# vitalbridge-capture 1\n# device: test\n${body}`), options);
}

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe('ReplayIo input', () => {
  it('delivers in records in file order, each after its delay on the virtual clock', async () => {
    const io = replayIo('in 01\n+500 in 02\n+20 in 03\n');
    const realStart = Date.now();
    expect(await io.read(1000)).toEqual(bytes(1));
    expect(io.now()).toBe(0);
    expect(await io.read(100)).toBeNull();
    expect(io.now()).toBe(100);
    expect(await io.read(10_000)).toEqual(bytes(2));
    expect(io.now()).toBe(500);
    expect(await io.read(10_000)).toEqual(bytes(3));
    expect(io.now()).toBe(520);
    expect(Date.now() - realStart).toBeLessThan(400);
  });

  it('queues records like a device does when the driver reads late', async () => {
    const io = replayIo('in 01\n+10 in 02\n');
    await io.sleep(1000);
    expect(await io.read(0)).toEqual(bytes(1));
    expect(await io.read(0)).toEqual(bytes(2));
    expect(io.now()).toBe(1000);
  });

  it('rejects with DeviceClosedError once the capture is exhausted, and stays closed', async () => {
    const ended: Error[] = [];
    const io = replayIo('in 01\n', { onEnd: (reason) => ended.push(reason) });
    await io.read(10);
    await expect(io.read(10)).rejects.toBeInstanceOf(DeviceClosedError);
    await expect(io.read(10)).rejects.toThrow('capture ended');
    await expect(io.write(bytes(1))).rejects.toBeInstanceOf(DeviceClosedError);
    expect(io.ended).toBe(true);
    expect(ended).toHaveLength(1);
  });

  it('sleeps on the virtual clock', async () => {
    const io = replayIo('in 01\n');
    const realStart = Date.now();
    await io.sleep(3_600_000);
    expect(io.now()).toBe(3_600_000);
    expect(Date.now() - realStart).toBeLessThan(400);
  });

  it('keeps concurrent sleepers on one timeline', async () => {
    const io = replayIo('in 01\n');
    const wokeAt: number[] = [];
    await Promise.all([io.sleep(300).then(() => wokeAt.push(io.now())), io.sleep(100).then(() => wokeAt.push(io.now()))]);
    expect(wokeAt).toEqual([100, 300]);
  });

  it('ignores feature-in records except for their delay', async () => {
    const io = replayIo('+5 feature-in 09\n+5 in 01\n');
    expect(await io.read(100)).toEqual(bytes(1));
    expect(io.now()).toBe(10);
  });
});

describe('ReplayIo request/response gating', () => {
  const exchange = 'out 01\n+10 in aa\nfeature-out 02 03\n+5 in bb\n';

  it('holds a response until the driver has written what precedes it, timing out on the virtual clock', async () => {
    const io = replayIo(exchange);
    expect(await io.read(250)).toBeNull();
    expect(io.now()).toBe(250);
    await io.write(bytes(1));
    expect(await io.read(1000)).toEqual(bytes(0xaa));
    expect(io.now()).toBe(260);
    expect(await io.read(1000)).toBeNull();
    await io.sendFeatureReport(bytes(2, 3));
    expect(await io.read(1000)).toEqual(bytes(0xbb));
    expect(io.now()).toBe(1265);
    expect(io.mismatches).toEqual([]);
    expect(io.unwrittenRecords()).toEqual([]);
  });

  it('wakes a waiting read when another task writes', async () => {
    const io = replayIo(exchange);
    const response = io.read(5000);
    await io.sleep(40);
    await io.write(bytes(1));
    expect(await response).toEqual(bytes(0xaa));
    expect(io.now()).toBe(50);
  });

  it('never hangs a driver that waits forever for input the capture cannot release', async () => {
    const ended: Error[] = [];
    const io = replayIo(exchange, { stallLimitMs: 60_000, onEnd: (reason) => ended.push(reason) });
    await expect(io.read(Number.POSITIVE_INFINITY)).rejects.toThrow(/stalled.*line 4 waits for 1 host-to-device records, the driver wrote 0/);
    expect(io.now()).toBe(60_000);
    expect(ended[0]).toBeInstanceOf(DeviceClosedError);
  });

  it('declares a stall when a driver polls with short timeouts and never writes', async () => {
    const io = replayIo(exchange, { stallLimitMs: 10_000 });
    let polls = 0;
    const poll = async (): Promise<void> => {
      for (;;) {
        await io.read(100);
        polls++;
      }
    };
    await expect(poll()).rejects.toBeInstanceOf(DeviceClosedError);
    expect(polls).toBe(99);
    expect(io.now()).toBe(10_000);
  });

  it('lists recorded writes the driver never made', async () => {
    const io = replayIo(exchange);
    await io.write(bytes(1));
    expect(io.unwrittenRecords()).toEqual([{ write: 2, line: 5, expected: 'feature-out 02 03', actual: null }]);
  });
});

describe('ReplayIo write comparison', () => {
  it('collects every mismatch: wrong bytes, wrong kind of report, writes beyond the recording', async () => {
    const seen: unknown[] = [];
    const io = replayIo('out 01 02\nfeature-out 03\n', { onMismatch: (m) => seen.push(m) });
    await io.write(bytes(1, 9));
    await io.write(bytes(3));
    await io.write(bytes(4));
    expect(io.mismatches).toEqual([
      { write: 1, line: 3, expected: 'out 01 02', actual: 'out 01 09' },
      { write: 2, line: 4, expected: 'feature-out 03', actual: 'out 03' },
      { write: 3, line: null, expected: null, actual: 'out 04' },
    ]);
    expect(seen).toEqual(io.mismatches);
  });

  it('counts mismatched writes for gating so a lenient replay still progresses', async () => {
    const io = replayIo('out 01\nin aa\n');
    await io.write(bytes(7));
    expect(await io.read(10)).toEqual(bytes(0xaa));
    expect(io.mismatches).toHaveLength(1);
  });

  it('fails a strict replay on the first mismatch and every call after it', async () => {
    const io = replayIo('out 01\nin aa\n', { strict: true });
    await expect(io.write(bytes(2))).rejects.toBeInstanceOf(ReplayMismatchError);
    await expect(io.read(10)).rejects.toThrow('write 1 (capture line 3): driver wrote "out 02", capture has "out 01"');
    await expect(io.sleep(10)).rejects.toBeInstanceOf(ReplayMismatchError);
  });

  it('accepts a write the driver declares equivalent, but only in the same direction', async () => {
    const sameFirstByte = (_direction: string, recorded: Uint8Array, written: Uint8Array) => recorded[0] === written[0];
    const io = replayIo('out 07 aa\nfeature-out 01\n', { sameHostReport: sameFirstByte });
    await io.write(bytes(7, 0xbb));
    await io.write(bytes(1));
    expect(io.mismatches).toEqual([{ write: 2, line: 4, expected: 'feature-out 01', actual: 'out 01' }]);
  });

  it('treats a NaN timeout or sleep as zero instead of corrupting the clock', async () => {
    const io = replayIo('+50 in 01\n');
    await io.sleep(Number.NaN);
    expect(await io.read(Number.NaN)).toBeNull();
    expect(io.now()).toBe(0);
    expect(await io.read(100)).toEqual(bytes(1));
    expect(io.now()).toBe(50);
  });

  it('is not fooled by the driver reusing its write buffer', async () => {
    const io = replayIo('out 01\nout 02\n');
    const buffer = bytes(1);
    await io.write(buffer);
    buffer[0] = 2;
    await io.write(buffer);
    expect(io.mismatches).toEqual([]);
  });

  it('hands out copies, so a driver cannot corrupt the capture for the next replay', async () => {
    const capture = parseCapture('# vitalbridge-capture 1\nin 01\n');
    const first = await new ReplayIo(capture).read(0);
    first?.fill(0xff);
    expect(await new ReplayIo(capture).read(0)).toEqual(bytes(1));
  });
});
