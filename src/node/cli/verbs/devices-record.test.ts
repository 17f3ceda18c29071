import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCapture } from '../../capture/format';
import { NodeHidSource } from '../../hub/node-hid-source';
import { SerialPortSource } from '../../hub/serialport-source';
import { FakeNodeHid, TEST_REPORT, fakeSerialPortModule, testHidManifest } from '../../hub/test-fakes';
import { runCli } from '../run-cli';
import { createDevicesVerb, type HardwareAccess } from './devices';
import { createRecordVerb } from './record';

const OXIMETER = { path: '/dev/hidraw3', vendorId: 0x1234, productId: 0x0001, serialNumber: 'OX-42', manufacturer: 'Acme', product: 'Test oximeter' };

let hid: FakeNodeHid;
let hardware: HardwareAccess;
let dir: string;

beforeEach(async () => {
  hid = new FakeNodeHid();
  const serial = fakeSerialPortModule([{ path: '/dev/ttyUSB0', vendorId: '10c4', productId: 'ea60', serialNumber: '0001' }]);
  hardware = { sources: () => [new NodeHidSource(async () => hid), new SerialPortSource(async () => serial.module)], drivers: [testHidManifest] };
  dir = await mkdtemp(join(tmpdir(), 'vb-record-'));
});

afterEach(() => rm(dir, { recursive: true, force: true }));

async function cli(argv: string[], signal = new AbortController().signal) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), signal }, [createDevicesVerb(hardware), createRecordVerb(hardware)]);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('devices verb', () => {
  it('prints a table of attached devices with the driver that claims each, or none', async () => {
    hid.attach(OXIMETER);
    const { code, stdout } = await cli(['devices']);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TRANSPORT\s+VID:PID\s+DRIVER\s+PRODUCT\s+PATH\s+ID$/);
    expect(lines[1]).toMatch(/^hid\s+1234:0001\s+test-hid-oximeter\s+Acme Test oximeter\s+\/dev\/hidraw3\s+hid:1234:0001:OX-42:if0$/);
    expect(lines[2]).toMatch(/^serial\s+10c4:ea60\s+none\s+-\s+\/dev\/ttyUSB0\s+serial:10c4:ea60:0001$/);
  });

  it('prints JSON with --json', async () => {
    hid.attach(OXIMETER);
    const { code, stdout } = await cli(['devices', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([
      { id: 'hid:1234:0001:OX-42:if0', transport: 'hid', path: '/dev/hidraw3', vid: '0x1234', pid: '0x0001', usagePage: null, serialNumber: 'OX-42', manufacturer: 'Acme', product: 'Test oximeter', driver: 'test-hid-oximeter' },
      { id: 'serial:10c4:ea60:0001', transport: 'serial', path: '/dev/ttyUSB0', vid: '0x10c4', pid: '0xea60', usagePage: null, serialNumber: '0001', manufacturer: null, product: null, driver: null },
    ]);
  });

  it('still lists the other family when one cannot be listed, and exits 1', async () => {
    hid.listError = new Error('hidapi failed');
    const { code, stdout, stderr } = await cli(['devices', '--data-dir', dir]);
    expect(code).toBe(1);
    expect(stdout).toContain('/dev/ttyUSB0');
    expect(stderr).toContain('cannot list hid devices: hidapi failed');
  });

  it('rejects unknown options with exit 2 and prints help', async () => {
    expect((await cli(['devices', '--verbose'])).code).toBe(2);
    const help = await cli(['devices', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: npm run -s cli -- devices');
  });
});

describe('record verb', () => {
  it('records a live session into a capture that names the driver and holds the device traffic', async () => {
    const oximeter = hid.attach(OXIMETER);
    oximeter.send(TEST_REPORT.spo2, 97);
    oximeter.send(TEST_REPORT.pulseRate, 64);
    const out = join(dir, 'session.cap');
    const { code, stderr } = await cli(['record', '--device', 'hid:1234:0001:OX-42:if0', '--out', out, '--seconds', '0.3']);
    expect(stderr).toContain(`Recording Test oximeter ("hid:1234:0001:OX-42:if0") to ${out}`);
    expect(stderr).toContain('Stopped after 0.3 s; 2 readings recorded');
    expect(code).toBe(0);
    const capture = parseCapture(await readFile(out, 'utf8'));
    expect(capture.header).toMatchObject({ device: 'test-hid-oximeter', transport: 'hid', vid: 0x1234, pid: 0x0001 });
    expect(capture.records.map((record) => [record.direction, [...record.bytes]])).toEqual([
      ['in', [TEST_REPORT.spo2, 97]],
      ['in', [TEST_REPORT.pulseRate, 64]],
    ]);
    expect(oximeter.openHandles).toBe(0);
  });

  it('accepts the OS path and stops on SIGINT', async () => {
    hid.attach(OXIMETER);
    const out = join(dir, 'by-path.cap');
    const stop = new AbortController();
    const running = cli(['record', '--device', '/dev/hidraw3', '--out', out], stop.signal);
    await expect.poll(() => readFile(out, 'utf8').catch(() => '')).toContain('# device: test-hid-oximeter');
    stop.abort();
    const { code, stderr } = await running;
    expect(code).toBe(0);
    expect(stderr).toContain('Stopped; 0 readings recorded');
  });

  it('explains a device it cannot open and exits 1', async () => {
    hid.attach(OXIMETER).openError = new Error('cannot open device with path /dev/hidraw3');
    const { code, stderr } = await cli(['record', '--device', '/dev/hidraw3', '--out', join(dir, 'denied.cap')]);
    expect(code).toBe(1);
    if (process.platform === 'linux') expect(stderr).toContain('Install the VitalBridge udev rule (resources/udev/60-vitalbridge.rules) and re-plug the device');
    else expect(stderr).toContain('cannot record Test oximeter');
  });

  it('fails clearly for a device that is not there or that no driver supports', async () => {
    const missing = await cli(['record', '--device', '/dev/hidraw9', '--out', join(dir, 'a.cap')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no attached device has the id or path /dev/hidraw9');
    const unsupported = await cli(['record', '--device', '/dev/ttyUSB0', '--out', join(dir, 'b.cap')]);
    expect(unsupported.code).toBe(1);
    expect(unsupported.stderr).toContain('no VitalBridge driver supports /dev/ttyUSB0');
  });

  it('treats missing options, a bad --seconds and an existing output file as bad input', async () => {
    const existing = join(dir, 'existing.cap');
    await writeFile(existing, 'keep me');
    for (const argv of [
      ['record', '--out', join(dir, 'c.cap')],
      ['record', '--device', '/dev/hidraw3'],
      ['record', '--device', '/dev/hidraw3', '--out', join(dir, 'c.cap'), '--seconds', '0'],
      ['record', '--device', '/dev/hidraw3', '--out', join(dir, 'c.cap'), '--seconds', 'soon'],
      ['record', '--device', '/dev/hidraw3', '--out', existing],
    ]) {
      expect((await cli(argv)).code, argv.join(' ')).toBe(2);
    }
    expect(await readFile(existing, 'utf8')).toBe('keep me');
  });
});
