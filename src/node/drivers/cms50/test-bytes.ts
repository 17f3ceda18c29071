/** Test helpers shared by the CMS50 unit tests: wire bytes from hex and packed live packages. */
import type { LiveFrame } from './decoder';
import { PACKAGE_TYPE, packPackage } from './protocol';

export function hex(text: string): Uint8Array {
  return Uint8Array.from(text.trim().split(/\s+/).map((pair) => Number.parseInt(pair, 16)));
}

/** The raw fields of a real-time package before packing, as a device would fill them. */
export interface RawLiveFields {
  status: number;
  pleth: number;
  bargraph: number;
  pulse: number;
  spo2: number;
  piHundredths: number;
}

export function liveWire(fields: RawLiveFields): Uint8Array {
  const { status, pleth, bargraph, pulse, spo2, piHundredths } = fields;
  return packPackage(PACKAGE_TYPE.live, [status, pleth, bargraph, pulse, spo2, piHundredths & 0xff, piHundredths >> 8]);
}

/** The protocol reference's worked example `01 E0 85 B3 96 C1 E1 FF FF`, a good signal, to be varied per test. */
export function goodFrame(overrides: Partial<LiveFrame> = {}): LiveFrame {
  return {
    signalStrength: 5,
    searchingTooLong: false,
    lowSpo2: false,
    pulseBeep: false,
    probeError: false,
    pleth: 51,
    searching: false,
    bargraph: 6,
    piFlaggedInvalid: true,
    pulseRate: 65,
    spo2: 97,
    perfusionIndex: null,
    ...overrides,
  };
}
