import type { DriverManifest } from '../driver';
import { OmronHem790itDriver } from './driver';
import { sameMode } from './link';
import { sameOutputReport } from './reports';

/**
 * 0590:0028 is shared by the HEM-790IT, HEM-7080IT-E and HJ-720IT pedometer (device-protocols.md
 * section 8); the logged HEM-790IT reports itself as "M7080IT 207". A "measurement" on this unit
 * is a download of its memory: the station cannot inflate the cuff.
 */
export const omronHem790itManifest: DriverManifest = {
  id: 'omron-hem-790it',
  name: 'Omron HEM-790IT blood-pressure monitor',
  transport: 'hid',
  matches: [{ vendorId: 0x0590, productId: 0x0028 }],
  metrics: ['systolic', 'diastolic', 'pulseRate'],
  source: 'blood-pressure-cuff',
  canRequestMeasurement: true,
  create: () => new OmronHem790itDriver(),
  // The vendor logs carry stale bytes after each report's count and a varying first mode byte;
  // the unit reads neither, so neither can (or needs to) be reproduced.
  sameHostReport: (direction, recorded, written) => (direction === 'out' ? sameOutputReport(recorded, written) : sameMode(recorded, written)),
  hostVariants: [
    {
      name: 'one-silent-clearing-block',
      origin: 'Omron PC software as logged in 2007: it sends VER00 after a single clearing block the unit ignored',
      create: () => new OmronHem790itDriver({ silentClearingBlocks: 1 }),
    },
  ],
};
