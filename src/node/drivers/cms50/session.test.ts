import { describe, expect, it } from 'vitest';
import type { DriverOutput } from '../../../shared/readings';
import { DeviceClosedError, type DeviceActivity, type DeviceIo } from '../driver';
import { cms50Manifest } from './manifest';
import { COMMAND, KEEP_ALIVE_INTERVAL_MS, PACKAGE_TYPE, controlCommand, packPackage } from './protocol';
import { hex } from './test-bytes';

const LIVE = hex('01 e0 85 b3 96 c1 e1 ff ff');
/** 0x0C, the meter's answer to A7 and A2. */
const FREE = hex('0c 80');
/** What a meter answers to the two stop commands the session opens with. */
const STOPPED = [FREE, FREE];
/** What the driver declares of its pleth samples: 7 bits (package 0x01 byte 3). */
const PLETH_SCALE = { min: 0, max: 127 };
const command = (code: number) => Array.from(controlCommand(code));
const OPENING = [COMMAND.stopStorage, COMMAND.stopLive, COMMAND.startLive, COMMAND.askPiSupport];

/** Serial io on a manual clock that records every write; a subclass plays the meter's side. */
abstract class ManualClockSerialIo implements DeviceIo {
  readonly transport = 'serial' as const;
  readonly writes: { at: number; bytes: number[] }[] = [];
  protected clock = 0;

  abstract read(timeoutMs: number): Promise<Uint8Array | null>;

  async write(data: Uint8Array): Promise<void> {
    this.writes.push({ at: this.clock, bytes: Array.from(data) });
  }

  async sendFeatureReport(): Promise<void> {
    throw new Error('a serial device has no feature reports');
  }

  now(): number {
    return this.clock;
  }

  async sleep(ms: number): Promise<void> {
    this.clock += ms;
  }
}

/**
 * Each read returns the next scripted step; a number step lets that much time pass without data
 * (the read times out), and the end of the script closes the device.
 */
class ScriptedSerialIo extends ManualClockSerialIo {
  constructor(private readonly script: (Uint8Array | number | 'hang')[]) {
    super();
  }

  async read(timeoutMs: number): Promise<Uint8Array | null> {
    const step = this.script.shift();
    if (step === undefined) throw new DeviceClosedError('script ended');
    if (step === 'hang') return new Promise(() => undefined);
    if (typeof step === 'number') {
      this.clock += Math.min(step, timeoutMs);
      return null;
    }
    // 60 packages/s: each delivered chunk advances the clock by one package interval.
    this.clock += 1000 / 60;
    return step;
  }
}

/** A stored sample without PI: three (SpO2, pulse) pairs, values no live package in these tests carries. */
const STORED = packPackage(PACKAGE_TYPE.storedWithoutPi, [88, 120, 88, 120, 88, 120]);

/**
 * A meter another program left downloading its memory. As V7 section 3.4 says, it takes no other
 * request during the transfer: it ignores everything but A7, which ends the transfer (one stored
 * package still in flight) with a 0x0C. It answers A2 with 0x0C too, streams live data after A1,
 * and is unplugged after a second of live data, or when its memory runs out mid-download.
 */
class MeterMidDownload extends ManualClockSerialIo {
  private mode: 'download' | 'idle' | 'live' = 'download';
  private readonly replies: Uint8Array[] = [];
  private storedLeft = 600;
  private liveLeft = 60;

  async read(timeoutMs: number): Promise<Uint8Array | null> {
    const reply = this.replies.shift();
    if (reply) return reply;
    if (this.mode === 'idle') {
      this.clock += timeoutMs;
      return null;
    }
    const left = this.mode === 'download' ? this.storedLeft-- : this.liveLeft--;
    if (left === 0) throw new DeviceClosedError(`unplugged during ${this.mode}`);
    this.clock += 1000 / 60;
    return this.mode === 'download' ? STORED : LIVE;
  }

  override async write(data: Uint8Array): Promise<void> {
    await super.write(data);
    const code = data[2];
    if (this.mode === 'download' && code !== COMMAND.stopStorage) return;
    switch (code) {
      case COMMAND.stopStorage:
        if (this.mode === 'download') this.replies.push(STORED);
        if (this.mode !== 'live') this.mode = 'idle';
        this.replies.push(FREE);
        return;
      case COMMAND.stopLive:
        this.mode = 'idle';
        this.replies.push(FREE);
        return;
      case COMMAND.startLive:
        this.mode = 'live';
        return;
      case COMMAND.askPiSupport:
        this.replies.push(hex('0e 80 81'));
        return;
      default:
        return;
    }
  }
}

async function runScript(script: (Uint8Array | number | 'hang')[], signal = new AbortController().signal) {
  const io = new ScriptedSerialIo(script);
  const outputs: DriverOutput[] = [];
  const activities: DeviceActivity[] = [];
  await cms50Manifest.create().run({ io, emit: (output) => outputs.push(output), setActivity: (activity) => activities.push(activity), signal });
  return { io, outputs, activities };
}

describe('CMS50 session', () => {
  it('stops any transfer, starts the live stream, asks for PI support and reports streaming once data flows', async () => {
    const { io, outputs, activities } = await runScript([...STOPPED, LIVE, LIVE]);
    expect(io.writes.map((write) => write.bytes)).toEqual(OPENING.map(command));
    expect(activities).toEqual(['streaming', 'idle']);
    expect(outputs).toEqual([
      { type: 'status', condition: 'ok' },
      { type: 'observation', metric: 'spo2', value: 97, unit: '%', time: null },
      { type: 'observation', metric: 'pulseRate', value: 65, unit: '/min', time: null },
      { type: 'waveform', metric: 'pleth', rateHz: 60, samples: [51, 51], scale: PLETH_SCALE },
    ]);
  });

  it('stops a download another program left running, then streams live data', async () => {
    const meter = new MeterMidDownload();
    const outputs: DriverOutput[] = [];
    const activities: DeviceActivity[] = [];
    await cms50Manifest.create().run({ io: meter, emit: (output) => outputs.push(output), setActivity: (activity) => activities.push(activity), signal: new AbortController().signal });
    expect(meter.writes.map((write) => write.bytes[2])).toEqual(OPENING);
    expect(activities).toEqual(['streaming', 'idle']);
    // The stored samples (88 %, 120 /min) and both free feedbacks pass without a trace.
    expect(outputs.filter((output) => output.type !== 'waveform')).toEqual([
      { type: 'status', condition: 'ok' },
      { type: 'observation', metric: 'spo2', value: 97, unit: '%', time: null },
      { type: 'observation', metric: 'pulseRate', value: 65, unit: '/min', time: null },
    ]);
    expect(outputs.flatMap((output) => (output.type === 'waveform' ? output.samples : []))).toEqual(Array(60).fill(51));
  });

  it('starts the stream anyway when the meter acknowledges neither stop within its reply window', async () => {
    // Quiet reads shorter than the window do not stretch it.
    const { io, activities } = await runScript([600, 600, 600, 600, LIVE]);
    expect(io.writes.map((write) => [write.bytes[2], write.at])).toEqual([
      [COMMAND.stopStorage, 0],
      [COMMAND.stopLive, 1000],
      [COMMAND.startLive, 2000],
      [COMMAND.askPiSupport, 2000],
    ]);
    expect(activities).toEqual(['streaming', 'idle']);
  });

  it('shows a stream that is still running while it waits for the stops to be acknowledged', async () => {
    const { io, outputs } = await runScript([LIVE, FREE, LIVE, FREE, LIVE]);
    expect(io.writes.map((write) => write.bytes[2])).toEqual(OPENING);
    expect(outputs.flatMap((output) => (output.type === 'waveform' ? output.samples : []))).toEqual([51, 51, 51]);
  });

  it('returns promptly when the hub aborts while a stop waits for its acknowledgement', async () => {
    const stop = new AbortController();
    const io = new ScriptedSerialIo(['hang']);
    const running = cms50Manifest.create().run({ io, emit: () => undefined, setActivity: () => undefined, signal: stop.signal });
    await expect.poll(() => io.writes.length).toBe(1);
    stop.abort();
    await running;
    expect(io.writes.map((write) => write.bytes[2])).toEqual([COMMAND.stopStorage, COMMAND.stopLive]);
  });

  it('sends the keep-alive every 5 s on the io clock while the stream flows', async () => {
    const twelveSeconds = Array<Uint8Array>(12 * 60).fill(LIVE);
    const { io } = await runScript([...STOPPED, ...twelveSeconds]);
    const keepAlives = io.writes.filter((write) => write.bytes[2] === COMMAND.keepAlive);
    const starts = io.writes.filter((write) => write.bytes[2] === COMMAND.startLive);
    expect(starts).toHaveLength(1);
    // Counted from the start command; sent with the first package that arrives once each interval is over.
    const startedAt = starts[0]!.at;
    expect(keepAlives).toHaveLength(2);
    keepAlives.forEach((write, index) => {
      expect(write.at - startedAt).toBeGreaterThanOrEqual((index + 1) * KEEP_ALIVE_INTERVAL_MS);
      expect(write.at - startedAt).toBeLessThan((index + 1) * KEEP_ALIVE_INTERVAL_MS + 1000 / 60);
    });
  });

  it('asks a silent meter to start again and reports the stream idle meanwhile', async () => {
    const { io, activities } = await runScript([...STOPPED, LIVE, KEEP_ALIVE_INTERVAL_MS, KEEP_ALIVE_INTERVAL_MS, LIVE]);
    // The first tick still saw the opening package, the second one a silent interval.
    expect(io.writes.map((write) => write.bytes[2])).toEqual([...OPENING, COMMAND.keepAlive, COMMAND.startLive]);
    expect(activities).toEqual(['streaming', 'idle', 'streaming', 'idle']);
  });

  it('ends the stream when the meter announces a disconnect, and reports the signal afresh after', async () => {
    const { outputs, activities } = await runScript([...STOPPED, LIVE, hex('0d 80 81'), LIVE]);
    expect(activities).toEqual(['streaming', 'idle', 'streaming', 'idle']);
    expect(outputs.filter((output) => output.type === 'status')).toEqual([
      { type: 'status', condition: 'ok' },
      { type: 'status', condition: 'ok' },
    ]);
  });

  it('flushes pending pleth when the stream pauses', async () => {
    const { outputs } = await runScript([...STOPPED, LIVE, 100, LIVE]);
    expect(outputs.filter((output) => output.type === 'waveform')).toEqual([
      { type: 'waveform', metric: 'pleth', rateHz: 60, samples: [51], scale: PLETH_SCALE },
      { type: 'waveform', metric: 'pleth', rateHz: 60, samples: [51], scale: PLETH_SCALE },
    ]);
  });

  it('honours the PI identifier reply: packages contradicting it are dropped', async () => {
    // 0x0E with 0x00: live data carries a valid PI, so a package flagging PI invalid is discarded.
    const { outputs } = await runScript([...STOPPED, hex('0e 80 80'), LIVE]);
    expect(outputs).toEqual([]);
  });

  it('stops the stream and returns promptly when the hub aborts, even during a pending read', async () => {
    const stop = new AbortController();
    const io = new ScriptedSerialIo([...STOPPED, LIVE, 'hang']);
    const outputs: DriverOutput[] = [];
    const running = cms50Manifest.create().run({ io, emit: (output) => outputs.push(output), setActivity: () => undefined, signal: stop.signal });
    await expect.poll(() => outputs.length).toBeGreaterThan(0);
    stop.abort();
    await running;
    expect(io.writes.at(-1)?.bytes).toEqual(command(COMMAND.stopLive));
    expect(outputs.at(-1)).toEqual({ type: 'waveform', metric: 'pleth', rateHz: 60, samples: [51], scale: PLETH_SCALE });
  });

  it('ends quietly when the device closes and ignores garbage on the line', async () => {
    const { outputs } = await runScript([...STOPPED, hex('ff fe 00 7f 80'), hex('01 e0 85'), hex('b3 96 c1 e1 ff ff')]);
    expect(outputs.filter((output) => output.type === 'waveform')).toEqual([{ type: 'waveform', metric: 'pleth', rateHz: 60, samples: [51], scale: PLETH_SCALE }]);
  });

  it('passes on io failures other than a closed device', async () => {
    const io = new ScriptedSerialIo([]);
    io.read = () => Promise.reject(new Error('EIO'));
    await expect(cms50Manifest.create().run({ io, emit: () => undefined, setActivity: () => undefined, signal: new AbortController().signal })).rejects.toThrow('EIO');
  });
});

describe('CMS50 manifest', () => {
  it('describes the serial cable and the live metrics', () => {
    expect(cms50Manifest).toMatchObject({
      id: 'contec-cms50',
      transport: 'serial',
      matches: [{ vendorId: 0x10c4, productId: 0xea60 }],
      serial: { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 },
      metrics: ['spo2', 'pulseRate', 'perfusionIndex'],
      canRequestMeasurement: false,
    });
  });
});
