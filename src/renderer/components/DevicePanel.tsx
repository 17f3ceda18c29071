import { useState } from 'react';
import type { DeviceInfo } from '../../shared/contract';
import type { StationStore } from '../station/station-store';
import { conditionWords } from '../station/station-model';
import { canStartMeasurement, deviceStateWords } from '../../shared/device-state-words';
import { AddBluetoothDevice } from './AddBluetoothDevice';

const TRANSPORT_WORDS: Record<DeviceInfo['transport'], string> = { hid: 'USB', serial: 'USB serial', ble: 'Bluetooth', simulated: 'Simulated' };

export function DevicePanel({ devices, store }: { devices: readonly DeviceInfo[]; store: StationStore }) {
  return (
    <aside className="devices" aria-labelledby="devices-heading">
      <h2 id="devices-heading" className="panel-heading">
        Devices
      </h2>
      {devices.length === 0 ? (
        <p className="devices-empty">No devices found. Plug in a supported device.</p>
      ) : (
        <ul className="device-list">
          {devices.map((device) => (
            <DeviceCard key={device.id} device={device} store={store} />
          ))}
        </ul>
      )}
      <AddBluetoothDevice />
    </aside>
  );
}

function DeviceCard({ device, store }: { device: DeviceInfo; store: StationStore }) {
  const [request, setRequest] = useState<{ pending: boolean; error: string | null }>({ pending: false, error: null });
  const start = async () => {
    setRequest({ pending: true, error: null });
    try {
      await store.requestMeasurement(device.id);
      setRequest({ pending: false, error: null });
    } catch (error) {
      setRequest({ pending: false, error: error instanceof Error ? error.message : String(error) });
    }
  };
  const nameId = `device-name-${device.id}`;
  return (
    <li className="device" data-device-id={device.id} data-device-state={device.state} aria-labelledby={nameId}>
      <div className="device-header">
        <h3 id={nameId} className="device-name">
          {device.name}
        </h3>
        <span className={`device-state state-${device.state}`} data-role="device-state">
          {deviceStateWords(device.state)}
        </span>
      </div>
      <p className="device-meta">
        {TRANSPORT_WORDS[device.transport]}
        {device.condition === 'ok' ? '' : ` · ${conditionWords(device.condition)}`}
      </p>
      {device.radio ? <RadioLine radio={device.radio} /> : null}
      {device.reason ? <p className="device-reason">{device.reason}</p> : null}
      {device.action ? (
        <p className="device-action" data-role="device-action">
          {device.action}
        </p>
      ) : null}
      {device.canRequestMeasurement ? (
        <button type="button" className="action-button" data-action="request-measurement" disabled={request.pending || !canStartMeasurement(device.state)} onClick={() => void start()}>
          {device.state === 'measuring' || request.pending ? 'Measuring…' : 'Start measurement'}
        </button>
      ) : null}
      {request.error ? (
        <p className="device-error" role="alert">
          Could not start the measurement: {request.error}
        </p>
      ) : null}
    </li>
  );
}

/** Usual BLE RSSI bands: above -67 dBm a reliable link, below -80 dBm readings may drop out. */
function signalWords(rssiDbm: number): string {
  if (rssiDbm >= -67) return 'strong';
  if (rssiDbm >= -80) return 'fair';
  return 'weak: move the device closer';
}

function RadioLine({ radio }: { radio: NonNullable<DeviceInfo['radio']> }) {
  return (
    <p className="device-meta" data-role="device-radio">
      <span data-role="device-signal">
        Signal {signalWords(radio.rssiDbm)} ({radio.rssiDbm} dBm)
      </span>
      {radio.batteryPercent === undefined ? null : (
        <>
          {' · '}
          <span data-role="device-battery">Battery {radio.batteryPercent} %</span>
        </>
      )}
    </p>
  );
}
