import { useState } from 'react';
import type { DeviceInfo } from '../../shared/contract';
import type { StationStore } from '../station/station-store';
import { conditionWords } from '../station/station-model';
import { canStartMeasurement, deviceStateWords } from '../../shared/device-state-words';

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
