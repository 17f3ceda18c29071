/**
 * A patient's visit at the kiosk: their own vital signs (the pleth and the tiles, live from the
 * core, which sends this screen nothing of anyone else), the measurements they can start
 * themselves, the video visit (consent first) and Finish, which shows "Your visit summary"
 * (KioskSummary) before the visit ends with its Done.
 */
import { useCallback, useLayoutEffect, useState, useSyncExternalStore } from 'react';
import type { DeviceInfo, StationApi } from '../../shared/contract';
import { canStartMeasurement } from '../../shared/device-state-words';
import type { AccessStore } from '../access/access-store';
import { failureText } from '../access/failure-text';
import { PlethWaveform } from '../components/PlethWaveform';
import { VitalTiles } from '../components/VitalTiles';
import type { DisplayLoop } from '../station/display-loop';
import type { StationStore } from '../station/station-store';
import { StationVisit } from '../visit/StationVisit';
import { KioskSummary } from './KioskSummary';
import { kioskGreetingName } from '../patient/patient-banner';
import { useCurrentPatient } from '../patient/use-current-patient';
import '../patient/patient.css';

export interface KioskVisitProps {
  api: StationApi;
  access: AccessStore;
  store: StationStore;
  display: DisplayLoop;
  /** The core ended the visit at the patient's request. */
  onFinished(): void;
}

export function KioskVisit({ api, access, store, display, onFinished }: KioskVisitProps) {
  const view = useSyncExternalStore(store.subscribe, store.getView);
  const [videoOpen, setVideoOpen] = useState(false);
  const [finishing, setFinishing] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  /** Finish was pressed: the summary shows, and its Done ends the visit. */
  const [summaryShown, setSummaryShown] = useState(false);
  useLayoutEffect(() => display.markCommitted(view.version), [display, view.version]);
  const reportCallActivity = useCallback(() => access.reportActivity(), [access]);
  const firstName = kioskGreetingName(useCurrentPatient(api, true));

  const finish = async () => {
    setFinishing(true);
    setProblem(null);
    try {
      await api.invoke('finishKioskVisit', undefined);
      onFinished();
    } catch (error) {
      setFinishing(false);
      setSummaryShown(false);
      setProblem(`The visit could not be finished: ${failureText(error)}. Please ask a member of staff.`);
    }
  };

  if (summaryShown) return <KioskSummary api={api} finishing={finishing} onDone={() => void finish()} />;

  return (
    <main className="kiosk-visit" aria-labelledby="kiosk-visit-title">
      <div className="kiosk-toolbar">
        <h2 id="kiosk-visit-title" className="kiosk-title">
          {videoOpen ? 'Video visit' : 'Your vital signs'}
        </h2>
        {/* The kiosk's banner: the patient's first name, or nothing at all. */}
        {firstName !== null ? (
          <p className="kiosk-patient-name" data-role="patient-banner">
            <span data-field="name">{firstName}</span>
          </p>
        ) : null}
        {videoOpen ? null : (
          <button type="button" className="kiosk-button" data-action="start-visit" onClick={() => setVideoOpen(true)}>
            Start video visit
          </button>
        )}
        <button type="button" className="kiosk-button kiosk-button-finish" data-action="finish-kiosk-visit" disabled={finishing} onClick={() => setSummaryShown(true)}>
          {finishing ? 'Finishing…' : 'Finish'}
        </button>
      </div>
      {problem && (
        <p className="kiosk-error" role="alert">
          {problem}
        </p>
      )}
      {videoOpen ? (
        <section className="visit-screen kiosk-video" aria-label="Video visit">
          <StationVisit api={api} onClose={() => setVideoOpen(false)} onCallActivity={reportCallActivity} />
        </section>
      ) : (
        <div className="kiosk-vitals">
          <section className="kiosk-signs" aria-label="Vital signs">
            <PlethWaveform store={store} display={display} tile={view.tiles.find((tile) => tile.metric === 'spo2')} />
            <VitalTiles tiles={view.tiles} slots={view.monitorSlots} />
          </section>
          <KioskMeasurements devices={view.devices} store={store} />
        </div>
      )}
    </main>
  );
}

/** The devices the patient starts themselves (a blood-pressure cuff, a thermometer, a scale), each with what to do. */
function KioskMeasurements({ devices, store }: { devices: readonly DeviceInfo[]; store: StationStore }) {
  const measurable = devices.filter((device) => device.canRequestMeasurement);
  return (
    <aside className="kiosk-measurements" aria-labelledby="kiosk-measure-title">
      <h3 id="kiosk-measure-title" className="panel-heading">
        Measure
      </h3>
      {measurable.length === 0 ? <p>No device here needs starting: readings appear by themselves.</p> : measurable.map((device) => <KioskMeasurement key={device.id} device={device} store={store} />)}
    </aside>
  );
}

function KioskMeasurement({ device, store }: { device: DeviceInfo; store: StationStore }) {
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const start = async () => {
    setPending(true);
    setProblem(null);
    try {
      await store.requestMeasurement(device.id);
    } catch (error) {
      setProblem(`It did not start: ${failureText(error)}`);
    } finally {
      setPending(false);
    }
  };
  const measuring = pending || device.state === 'measuring';
  return (
    <div className="kiosk-measurement" data-device-id={device.id} data-device-state={device.state}>
      <button type="button" className="kiosk-button" data-action="request-measurement" disabled={measuring || !canStartMeasurement(device.state)} onClick={() => void start()}>
        {measuring ? `Measuring… (${device.name})` : device.name}
      </button>
      {device.action ? <p className="kiosk-hint">{device.action}</p> : null}
      {problem && (
        <p className="kiosk-error" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
