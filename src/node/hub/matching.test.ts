import { describe, expect, it } from 'vitest';
import type { DriverManifest } from '../drivers/driver';
import { matchManifest } from './matching';
import type { DeviceCandidate } from './source';

const manifest = (id: string, transport: DriverManifest['transport'], matches: DriverManifest['matches']): DriverManifest => ({
  id,
  name: id,
  transport,
  matches,
  metrics: [],
  source: 'pulse-oximeter',
  canRequestMeasurement: false,
  create: () => ({ run: async () => undefined }),
});

const omron = manifest('omron', 'hid', [{ vendorId: 0x0590, productId: 0x0028 }]);
const posScaleClass = manifest('pos-scale', 'hid', [{ vendorId: 0x0922, usagePage: 0x8d }]);
const dymoS180 = manifest('dymo-s180', 'hid', [{ vendorId: 0x0922, productId: 0x8009 }]);
const cms50 = manifest('cms50', 'serial', [{ vendorId: 0x10c4, productId: 0xea60 }]);
const simulated = manifest('sim-oximeter', 'simulated', []);
const all = [omron, posScaleClass, dymoS180, cms50, simulated];

const hid = (fields: Partial<DeviceCandidate>): DeviceCandidate => ({ key: 'k', transport: 'hid', path: '/dev/hidraw0', ...fields });

describe('matchManifest', () => {
  it('matches on vendor and product id within the transport', () => {
    expect(matchManifest(hid({ vendorId: 0x0590, productId: 0x0028 }), all)?.id).toBe('omron');
    expect(matchManifest(hid({ vendorId: 0x0590, productId: 0x0090 }), all)).toBeUndefined();
    expect(matchManifest({ key: 'k', transport: 'serial', path: '/dev/ttyUSB0', vendorId: 0x10c4, productId: 0xea60 }, all)?.id).toBe('cms50');
    expect(matchManifest(hid({ vendorId: 0x10c4, productId: 0xea60 }), all)).toBeUndefined();
  });

  it('matches a class on its usage page and prefers the more specific manifest', () => {
    expect(matchManifest(hid({ vendorId: 0x0922, productId: 0x8003, usagePage: 0x8d }), all)?.id).toBe('pos-scale');
    expect(matchManifest(hid({ vendorId: 0x0922, productId: 0x8003, usagePage: 0xff00 }), all)).toBeUndefined();
    expect(matchManifest(hid({ vendorId: 0x0922, productId: 0x8009, usagePage: 0x8d }), all)?.id).toBe('dymo-s180');
  });

  it('lets a source that names the driver skip matching', () => {
    expect(matchManifest({ key: 'sim', transport: 'simulated', path: 'sim-1', driverId: 'sim-oximeter' }, all)?.id).toBe('sim-oximeter');
    expect(matchManifest({ key: 'sim', transport: 'simulated', path: 'sim-1', driverId: 'missing' }, all)).toBeUndefined();
  });
});
