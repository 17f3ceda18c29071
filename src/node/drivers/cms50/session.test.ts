import { describe, expect, it } from 'vitest';
import type { DriverOutput } from '../../../shared/readings';
import { DeviceClosedError, type DeviceActivity, type DeviceIo } from '../driver';
import { cms50Manifest } from './manifest';
import { COMMAND, KEEP_ALIVE_INTERVAL_MS, controlCommand } from './protocol';
import { hex } from './test-bytes';

const LIVE = hex('01 e0 85 b3 96 c1 e1 ff ff');
const command = (code: number) => Array.from(controlCommand(code));

/**
 * Serial io on a manual clock: each read returns the next scripted step; a number step lets that
 * much time pass without data (the read times out), and the end of the script closes the device.
 */
class ScriptedSerialIo implements DeviceIo {
  readonly transport = 'serial' as const;
  readonly writes: { at: number; bytes: number[] }[] = [];
  private clock = 0;

  constructor(private readonly script: (Uint8Array | number | 'hang')[]) {}

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

async function runScript(script: (Uint8Array | number | 'hang')[], signal = new AbortController().signal) {
  const io = new ScriptedSerialIo(script);
  const outputs: DriverOutput[] = [];
  const activities: DeviceActivity[] = [];
  await cms50Manifest.create().run({ io, emit: (output) => outputs.push(output), setActivity: (activity) => activities.push(activity), signal });
  return { io, outputs, activities };
}

describe('CMS50 session', () => {
  it('starts the live stream, asks for PI support and reports streaming once data flows', async () => {
    const { io, outputs, activities } = await runScript([LIVE, LIVE]);
    expect(io.writes.map((write) => write.bytes)).toEqual([command(COMMAND.startLive), command(COMMAND.askPiSupport)]);
    expect(activities).toEqual(['streaming', 'idle']);
    expect(outputs).toEqual([
      { type: 'status', condition: 'ok' },
      { type: 'observation', metric: 'spo2', value: 97, unit: '%', time: null },
      { type: 'observation', metric: 'pulseRate', value: 65, unit: '/min', time: null },
      { type: 'waveform', metric: 'pleth', rateHz: 60, samples: [51, 51] },
    ]);
  });

  it('sends the keep-alive every 5 s on the io clock while the stream flows', async () => {
    const twelveSeconds = Array<Uint8Array>(12 * 60).fill(LIVE);
    const { io } = await runScript(twelveSeconds);
    const keepAlives = io.writes.filter((write) => write.bytes[2] === COMMAND.keepAlive);
    // Sent with the first package that arrives once each interval is over.
    expect(keepAlives).toHaveLength(2);
    keepAlives.forEach((write, index) => {
      expect(write.at).toBeGreaterThanOrEqual((index + 1) * KEEP_ALIVE_INTERVAL_MS);
      expect(write.at).toBeLessThan((index + 1) * KEEP_ALIVE_INTERVAL_MS + 1000 / 60);
    });
    expect(io.writes.filter((write) => write.bytes[2] === COMMAND.startLive)).toHaveLength(1);
  });

  it('asks a silent meter to start again and reports the stream idle meanwhile', async () => {
    const { io, activities } = await runScript([LIVE, KEEP_ALIVE_INTERVAL_MS, KEEP_ALIVE_INTERVAL_MS, LIVE]);
    // The first tick still saw the opening package, the second one a silent interval.
    expect(io.writes.map((write) => write.bytes[2])).toEqual([COMMAND.startLive, COMMAND.askPiSupport, COMMAND.keepAlive, COMMAND.startLive]);
    expect(activities).toEqual(['streaming', 'idle', 'streaming', 'idle']);
  });

  it('ends the stream when the meter announces a disconnect, and reports the signal afresh after', async () => {
    const { outputs, activities } = await runScript([LIVE, hex('0d 80 81'), LIVE]);
    expect(activities).toEqual(['streaming', 'idle', 'streaming', 'idle']);
    expect(outputs.filter((output) => output.type === 'status')).toEqual([
      { type: 'status', condition: 'ok' },
      { type: 'status', condition: 'ok' },
    ]);
  });

  it('flushes pending pleth when the stream pauses', async () => {
    const { outputs } = await runScript([LIVE, 100, LIVE]);
    expect(outputs.filter((output) => output.type === 'waveform')).toEqual([
      { type: 'waveform', metric: 'pleth', rateHz: 60, samples: [51] },
      { type: 'waveform', metric: 'pleth', rateHz: 60, samples: [51] },
    ]);
  });

  it('honours the PI identifier reply: packages contradicting it are dropped', async () => {
    // 0x0E with 0x00: live data carries a valid PI, so a package flagging PI invalid is discarded.
    const { outputs } = await runScript([hex('0e 80 80'), LIVE]);
    expect(outputs).toEqual([]);
  });

  it('stops the stream and returns promptly when the hub aborts, even during a pending read', async () => {
    const stop = new AbortController();
    const io = new ScriptedSerialIo([LIVE, 'hang']);
    const outputs: DriverOutput[] = [];
    const running = cms50Manifest.create().run({ io, emit: (output) => outputs.push(output), setActivity: () => undefined, signal: stop.signal });
    await expect.poll(() => outputs.length).toBeGreaterThan(0);
    stop.abort();
    await running;
    expect(io.writes.at(-1)?.bytes).toEqual(command(COMMAND.stopLive));
    expect(outputs.at(-1)).toEqual({ type: 'waveform', metric: 'pleth', rateHz: 60, samples: [51] });
  });

  it('ends quietly when the device closes and ignores garbage on the line', async () => {
    const { outputs } = await runScript([hex('ff fe 00 7f 80'), hex('01 e0 85'), hex('b3 96 c1 e1 ff ff')]);
    expect(outputs.filter((output) => output.type === 'waveform')).toEqual([{ type: 'waveform', metric: 'pleth', rateHz: 60, samples: [51] }]);
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
