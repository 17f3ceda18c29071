/**
 * The part of @stoprocent/noble the BLE source uses, as interfaces: the real module satisfies them,
 * and tests pass a fake at exactly this boundary. Loading is lazy and may fail (no native binding
 * for the platform): the station then runs without Bluetooth instead of failing to start.
 */
export type AdapterState = 'poweredOn' | 'poweredOff' | 'unauthorized' | 'unsupported' | 'unknown' | 'resetting';

export interface NobleCharacteristic {
  readonly uuid: string;
  readonly properties: readonly string[];
  readAsync(): Promise<Buffer>;
  writeAsync(data: Buffer, withoutResponse: boolean): Promise<void>;
  subscribeAsync(): Promise<void>;
  on(event: 'data', listener: (data: Buffer, isNotification: boolean) => void): unknown;
  removeListener(event: 'data', listener: (data: Buffer, isNotification: boolean) => void): unknown;
}

export interface NobleService {
  readonly uuid: string;
}

export interface NoblePeripheral {
  readonly id: string;
  readonly address: string;
  readonly rssi: number;
  readonly advertisement: { localName?: string; serviceUuids?: string[] };
  connectAsync(): Promise<void>;
  disconnectAsync(): Promise<void>;
  /** Windows (WinRT) only; other bindings reject with "Pairing is not supported on this platform". */
  pairAsync?(): Promise<void>;
  discoverSomeServicesAndCharacteristicsAsync(serviceUuids: string[], characteristicUuids: string[]): Promise<{ services: NobleService[]; characteristics: NobleCharacteristic[] }>;
  once(event: 'disconnect', listener: (reason: unknown) => void): unknown;
  removeListener(event: 'disconnect', listener: (reason: unknown) => void): unknown;
}

export interface NobleCentral {
  readonly state: AdapterState;
  on(event: 'stateChange', listener: (state: AdapterState) => void): unknown;
  on(event: 'discover', listener: (peripheral: NoblePeripheral) => void): unknown;
  startScanningAsync(serviceUuids: string[], allowDuplicates: boolean): Promise<void>;
  stopScanningAsync(): Promise<void>;
}

/**
 * The real noble, bound to the platform's default stack (HCI socket on Linux, WinRT, CoreBluetooth).
 * Its bindings are started here, at once, so that the SIGINT handler the HCI-socket bindings add
 * can be taken back: that handler calls process.exit(1) when it is the last SIGINT listener, which
 * would end the station before its own shutdown has flushed the records, and with a failure code.
 * The station stops on SIGINT itself; noble's 'exit' handler, which releases the adapter, stays.
 */
export async function loadNoble(): Promise<NobleCentral> {
  const module = (await import('@stoprocent/noble')) as unknown as { default: NobleCentral };
  const central = module.default;
  const stationHandlers = new Set(process.listeners('SIGINT'));
  try {
    void central.state; // reading the state starts the bindings synchronously
  } finally {
    for (const listener of process.listeners('SIGINT')) {
      if (!stationHandlers.has(listener)) process.off('SIGINT', listener);
    }
  }
  return central;
}
