import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeviceClosedError, type DriverManifest } from '../drivers/driver';
import { NodeHidSource } from './node-hid-source';
import { SerialPortSource } from './serialport-source';
import { FakeNodeHid, fakeSerialPortModule, testHidManifest } from './test-fakes';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('NodeHidSource', () => {
  it('lists one candidate per hidraw path, keyed by serial number when the device has one', async () => {
    const hid = new FakeNodeHid();
    hid.attach({ path: '/dev/hidraw2', vendorId: 0x0922, productId: 0x8009, usagePage: 0x8d, serialNumber: ' S180-1 ', product: 'S180' });
    hid.attach({ path: '/dev/hidraw2', vendorId: 0x0922, productId: 0x8009, usagePage: 0xff00, serialNumber: 'S180-1' });
    hid.attach({ path: '/dev/hidraw3', vendorId: 0x0590, productId: 0x0028, serialNumber: '' });
    const candidates = await new NodeHidSource(async () => hid).list();
    expect(candidates).toEqual([
      { key: 'hid:0922:8009:S180-1:if0', transport: 'hid', path: '/dev/hidraw2', vendorId: 0x0922, productId: 0x8009, usagePage: 0x8d, serialNumber: 'S180-1', manufacturer: undefined, product: 'S180' },
      { key: 'hid:/dev/hidraw3', transport: 'hid', path: '/dev/hidraw3', vendorId: 0x0590, productId: 0x0028, usagePage: undefined, serialNumber: undefined, manufacturer: undefined, product: undefined },
    ]);
  });

  it('loads node-hid once, lazily', async () => {
    const hid = new FakeNodeHid();
    const load = vi.fn(async () => hid);
    const source = new NodeHidSource(load);
    expect(load).not.toHaveBeenCalled();
    await source.list();
    await source.list();
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('prepends the 0x00 report id for unnumbered reports, and not for numbered ones', async () => {
    const hid = new FakeNodeHid();
    const omron = hid.attach({ path: '/dev/hidraw3', vendorId: 0x0590, productId: 0x0028 });
    const source = new NodeHidSource(async () => hid);
    const [candidate] = await source.list();
    const io = await source.open(candidate!, testHidManifest);
    await io.write(Uint8Array.of(0x07, 0x00, 0x00));
    await io.sendFeatureReport(Uint8Array.of(0x01, 0x01));
    expect(omron.written).toEqual([[0x00, 0x07, 0x00, 0x00]]);
    expect(omron.featureReports).toEqual([[0x00, 0x01, 0x01]]);
    await io.close();

    const numbered: DriverManifest = { ...testHidManifest, hidNumberedReports: true };
    const scaleIo = await source.open(candidate!, numbered);
    await scaleIo.write(Uint8Array.of(0x02, 0x02));
    expect(omron.written.at(-1)).toEqual([0x02, 0x02]);
    await scaleIo.close();
  });

  it('reads reports, null on timeout, DeviceClosedError once the device is gone or closed', async () => {
    const hid = new FakeNodeHid();
    const device = hid.attach({ path: '/dev/hidraw3', vendorId: 0x0590, productId: 0x0028 });
    const source = new NodeHidSource(async () => hid);
    const io = await source.open((await source.list())[0]!, testHidManifest);
    device.send(0x02, 0x4f, 0x4b);
    expect(await io.read(50)).toEqual(Uint8Array.of(0x02, 0x4f, 0x4b));
    const idle = io.read(50);
    await vi.advanceTimersByTimeAsync(50);
    expect(await idle).toBeNull();
    const pending = io.read(1_000);
    device.unplug();
    await expect(pending).rejects.toBeInstanceOf(DeviceClosedError);
    await expect(io.write(Uint8Array.of(1))).rejects.toBeInstanceOf(DeviceClosedError);
    await io.close();
    await expect(io.read(10)).rejects.toBeInstanceOf(DeviceClosedError);
  });

  it('wakes a sleeping driver when the device is closed', async () => {
    const hid = new FakeNodeHid();
    hid.attach({ path: '/dev/hidraw3', vendorId: 0x0590, productId: 0x0028 });
    const source = new NodeHidSource(async () => hid);
    const io = await source.open((await source.list())[0]!, testHidManifest);
    const slept = io.sleep(60_000);
    await io.close();
    await slept;
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('SerialPortSource', () => {
  const cms50Like: DriverManifest = { ...testHidManifest, transport: 'serial', serial: { baudRate: 115_200, dataBits: 8, parity: 'none', stopBits: 1 } };

  it('lists ports with their USB ids parsed from hex', async () => {
    const { module } = fakeSerialPortModule([
      { path: '/dev/ttyUSB0', vendorId: '10c4', productId: 'EA60', serialNumber: '0001', manufacturer: 'Silicon Labs' },
      { path: '/dev/ttyS0', vendorId: undefined, productId: undefined },
    ]);
    expect(await new SerialPortSource(async () => module).list()).toEqual([
      { key: 'serial:10c4:ea60:0001', transport: 'serial', path: '/dev/ttyUSB0', vendorId: 0x10c4, productId: 0xea60, serialNumber: '0001', manufacturer: 'Silicon Labs' },
      { key: 'serial:/dev/ttyS0', transport: 'serial', path: '/dev/ttyS0', vendorId: undefined, productId: undefined, serialNumber: undefined, manufacturer: undefined },
    ]);
  });

  it('opens with the manifest line settings and no software flow control, queues received chunks for read', async () => {
    const serial = fakeSerialPortModule([{ path: '/dev/ttyUSB0', vendorId: '10c4', productId: 'ea60' }]);
    const source = new SerialPortSource(async () => serial.module);
    const io = await source.open((await source.list())[0]!, cms50Like);
    const port = serial.opened[0]!;
    expect(port.options).toEqual({ path: '/dev/ttyUSB0', baudRate: 115_200, dataBits: 8, parity: 'none', stopBits: 1, autoOpen: false, rtscts: false, xon: false, xoff: false, xany: false });

    port.receive(0x01, 0xe0);
    port.receive(0x85);
    expect(await io.read(10)).toEqual(Uint8Array.of(0x01, 0xe0));
    expect(await io.read(10)).toEqual(Uint8Array.of(0x85));
    const waiting = io.read(100);
    port.receive(0x11, 0x13); // XON/XOFF byte values are plain data here
    expect(await waiting).toEqual(Uint8Array.of(0x11, 0x13));
    const idle = io.read(100);
    await vi.advanceTimersByTimeAsync(100);
    expect(await idle).toBeNull();

    await io.write(Uint8Array.of(0x7d, 0x81, 0xa1));
    expect(port.written).toEqual([[0x7d, 0x81, 0xa1]]);
    await expect(io.sendFeatureReport(Uint8Array.of(1))).rejects.toThrow('serial ports have no feature reports');
    await io.close();
    expect(port.isOpen).toBe(false);
  });

  it('rejects pending and later reads with DeviceClosedError when the cable is pulled', async () => {
    const serial = fakeSerialPortModule([{ path: '/dev/ttyUSB0' }]);
    const source = new SerialPortSource(async () => serial.module);
    const io = await source.open((await source.list())[0]!, cms50Like);
    const pending = io.read(5_000);
    serial.opened[0]!.disconnect();
    await expect(pending).rejects.toThrow(DeviceClosedError);
    await expect(io.read(10)).rejects.toThrow('port closed: Disconnected');
    await expect(io.write(Uint8Array.of(1))).rejects.toBeInstanceOf(DeviceClosedError);
    await io.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('passes open failures through with their errno code', async () => {
    const serial = fakeSerialPortModule([{ path: '/dev/ttyUSB0' }]);
    serial.setOpenError(Object.assign(new Error('Error: Permission denied, cannot open /dev/ttyUSB0'), { code: 'EACCES' }));
    const source = new SerialPortSource(async () => serial.module);
    await expect(source.open((await source.list())[0]!, cms50Like)).rejects.toMatchObject({ code: 'EACCES' });
    await expect(source.open((await source.list())[0]!, testHidManifest)).rejects.toThrow('driver test-hid-oximeter has no serial line settings');
  });
});
