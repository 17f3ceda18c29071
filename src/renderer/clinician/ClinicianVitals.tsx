/**
 * The patient's live vitals on the clinician's page: the station's patient banner, its own tiles (each with the age of
 * its value) and pleth sweep, the station's alarms (the station's own AlarmBanner; the clinician
 * may acknowledge, the station core decides) and NEWS2 (the station's News2Panel, read-only), its
 * devices with a "request measurement" action, the chat, and a button that saves a still of the
 * patient video to the visit.
 */
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { DeviceInfo } from '../../shared/contract';
import { canStartMeasurement, deviceStateWords } from '../../shared/device-state-words';
import type { CallState, ConsultCall } from '../consult/call';
import { callIsOver } from '../visit/call-status';
import type { CallLayout } from '../visit/CallStage';
import { AlarmBanner } from '../alarms/AlarmBanner';
import { News2Panel } from '../news2/News2Panel';
import { ChatPanel } from '../consult/ChatPanel';
import { PlethWaveform } from '../components/PlethWaveform';
import { PatientBanner } from '../patient/PatientBanner';
import { VitalTiles } from '../components/VitalTiles';
import { DisplayLoop } from '../station/display-loop';
import type { StationStore } from '../station/station-store';
import { ClinicianSession, type ClinicianSessionView, type RequestView } from './clinician-session';
import { captureVideoStill } from './video-still';
import '../consult/consult-vitals.css';

/**
 * The link to the station for as long as the call runs; once the visit is over the session and
 * everything it received about the patient are dropped.
 */
export function useClinicianSession(call: ConsultCall | null, state: CallState | null): ClinicianSession | null {
  const over = callIsOver(state);
  const session = useMemo(() => (call && !over ? new ClinicianSession(call.dataChannel) : null), [call, over]);
  useEffect(() => {
    if (!session) return;
    session.start();
    return () => session.dispose();
  }, [session]);
  return session;
}

/** The column beside the patient video: alarms, pleth and numerics that never scroll, and NEWS2. */
export function ClinicianVitals({ session, state, layout, onLayout }: { session: ClinicianSession | null; state: CallState | null; layout: CallLayout; onLayout(layout: CallLayout): void }) {
  if (callIsOver(state)) {
    return (
      <p className="vitals-note" data-role="vitals-over">
        The visit is over. The patient’s vitals are no longer shown here.
      </p>
    );
  }
  if (!session) return <p className="vitals-note">Live vitals appear here once the call is connected.</p>;
  return <SessionVitals session={session} admitted={state?.admitted ?? false} layout={layout} onLayout={onLayout} />;
}

/**
 * Whom the vitals belong to, as the station's own banner says it (a kiosk: the given name only).
 * The video visit is this page itself, so the banner does not repeat it.
 */
export function RemotePatientBanner({ session }: { session: ClinicianSession }) {
  const view = useSyncExternalStore(session.subscribe, session.getView);
  return <PatientBanner patient={view.patient} now={new Date(session.stationNow())} hide={['video-visit']} />;
}

/** The clinician's actions in the side column, away from the numerics: requests, a still, the chat. */
export function ClinicianActions({ session }: { session: ClinicianSession }) {
  const view = useSyncExternalStore(session.subscribe, session.getView);
  const store = session.store;
  return (
    <>
      {store && <StationDevices session={session} store={store} view={view} />}
      {store && <SnapshotControl session={session} view={view} />}
      <ChatPanel lines={view.chat} otherName="Station" onSend={(text) => session.sendChat(text)} disabled={!view.linked} />
    </>
  );
}

const LAYOUT_WORDS: Record<CallLayout, string> = { 'video-large': 'Video large', 'vitals-large': 'Vitals large' };

function SessionVitals({ session, admitted, layout, onLayout }: { session: ClinicianSession; admitted: boolean; layout: CallLayout; onLayout(layout: CallLayout): void }) {
  const view = useSyncExternalStore(session.subscribe, session.getView);
  const store = session.store;
  const [news2Open, setNews2Open] = useState(false);
  return (
    <section className="clinician-vitals" data-role="vitals-link" data-linked={view.linked ? 'true' : 'false'} aria-labelledby="clinician-vitals-heading">
      <div className="clinician-vitals-header">
        <h2 id="clinician-vitals-heading" className="panel-heading">
          Patient vitals
        </h2>
        <div className="clinician-view-controls" role="group" aria-label="Layout">
          {(['video-large', 'vitals-large'] as const).map((choice) => (
            <button key={choice} type="button" className="layout-button" data-action="call-layout" data-layout={choice} aria-pressed={layout === choice} onClick={() => onLayout(choice)}>
              {LAYOUT_WORDS[choice]}
            </button>
          ))}
          {view.news2 && (
            <button type="button" className="layout-button news2-toggle" data-action="show-news2" aria-expanded={news2Open} aria-controls="clinician-news2" onClick={() => setNews2Open(!news2Open)}>
              NEWS2
            </button>
          )}
        </div>
        <LinkStatus view={view} admitted={admitted} />
      </div>
      {view.alarms && <RemoteAlarms session={session} view={view} alarms={view.alarms} />}
      {/* Before the station's first answer the link status above says what the page waits for. */}
      {store && <RemoteMonitor session={session} store={store} />}
      {view.news2 && store && (
        <div id="clinician-news2" className="clinician-news2" data-open={news2Open ? 'true' : 'false'}>
          <button type="button" className="layout-button news2-close" data-action="close-news2" onClick={() => setNews2Open(false)}>
            Close NEWS2
          </button>
          <RemoteNews2 store={store} news2={view.news2} />
        </div>
      )}
    </section>
  );
}

/** What the link to the station is doing; "Reconnecting" only once there was a connection to lose. */
function linkStatusText(view: ClinicianSessionView, admitted: boolean): string {
  if (view.linked) return 'Live from the station';
  if (view.everLinked) return 'Reconnecting — values keep their age and turn stale';
  return admitted ? 'Connecting to the station…' : 'Waiting to be admitted: the patient’s vitals appear once the station lets you in';
}

function LinkStatus({ view, admitted }: { view: ClinicianSessionView; admitted: boolean }) {
  if (view.incompatible) return <p className="vitals-link vitals-link-down">This page and the station speak different versions; update the station or this page.</p>;
  return (
    <p className={`vitals-link ${view.linked || !view.everLinked ? '' : 'vitals-link-down'}`} role="status">
      {linkStatusText(view, admitted)}
      {view.lost > 0 ? ` · ${view.lost} updates could not be delivered` : ''}
    </p>
  );
}

function RemoteMonitor({ session, store }: { session: ClinicianSession; store: StationStore }) {
  const display = useMemo(() => new DisplayLoop(store), [store]);
  useEffect(() => {
    display.start();
    return () => display.stop();
  }, [display]);
  const stationView = useSyncExternalStore(store.subscribe, store.getView);
  useEffect(() => display.markCommitted(stationView.version), [display, stationView.version]);
  const readNow = useCallback(() => session.stationNow(), [session]);
  const now = useTicking(readNow, 1_000);
  return (
    <>
      <div className="clinician-waveform">
        <PlethWaveform store={store} display={display} tile={stationView.tiles.find((tile) => tile.metric === 'spo2')} />
      </div>
      <div className="clinician-tiles">
        {/* Metrics the station has never measured would only take room from the ones it has. */}
        <VitalTiles tiles={stationView.tiles.filter((tile) => tile.state !== 'absent')} ageAt={now} />
      </div>
    </>
  );
}

function RemoteNews2({ store, news2 }: { store: StationStore; news2: NonNullable<ClinicianSessionView['news2']> }) {
  const stationView = useSyncExternalStore(store.subscribe, store.getView);
  return <News2Panel state={news2} deviceName={(deviceId) => stationView.devices.find((device) => device.id === deviceId)?.name ?? deviceId} />;
}

function StationDevices({ session, store, view }: { session: ClinicianSession; store: StationStore; view: ClinicianSessionView }) {
  const stationView = useSyncExternalStore(store.subscribe, store.getView);
  return <RemoteDevices devices={stationView.devices} requests={view.requests} onRequest={(deviceId) => session.requestMeasurement(deviceId)} />;
}

/**
 * The station's alarms as the station shows them. The audio sounds (and is paused) at the station
 * only; a physician's acknowledgement goes there and the station core applies its role matrix.
 */
function RemoteAlarms({ session, view, alarms }: { session: ClinicianSession; view: ClinicianSessionView; alarms: NonNullable<ClinicianSessionView['alarms']> }) {
  if (alarms.alarms.length === 0 && !alarms.audioPause && !view.acknowledgeError) return null;
  return (
    <div className="clinician-alarms">
      <AlarmBanner
        state={alarms}
        // While reconnecting the list may be out of date: acknowledge what is known to be current.
        canAcknowledgePhysiological={view.linked}
        canPauseAudio={false}
        onAcknowledge={(alarmId) => session.acknowledgeAlarm(alarmId)}
        error={view.acknowledgeError}
      />
      <p className="vitals-note">Alarm sounds play and are paused at the station only.</p>
    </div>
  );
}

const REQUEST_WORDS: Record<RequestView['status'], string> = {
  sending: 'Sending the request…',
  'awaiting-confirmation': 'Asked: waiting for the patient or nurse to start it',
  started: 'Started at the station',
  declined: 'Declined at the station',
  failed: 'Could not start',
};

function RemoteDevices({ devices, requests, onRequest }: { devices: readonly DeviceInfo[]; requests: ClinicianSessionView['requests']; onRequest(deviceId: string): void }) {
  if (devices.length === 0) return <p className="vitals-note">No devices at the station.</p>;
  return (
    <ul className="clinician-devices" aria-label="Devices at the station">
      {devices.map((device) => {
        const request = requests.get(device.id);
        const waiting = request?.status === 'sending' || request?.status === 'awaiting-confirmation';
        return (
          <li key={device.id} className="clinician-device" data-device-id={device.id} data-device-state={device.state}>
            <span className="clinician-device-name">{device.name}</span>
            <span className={`device-state state-${device.state}`} data-role="device-state">
              {deviceStateWords(device.state)}
            </span>
            {device.canRequestMeasurement && (
              <button type="button" className="action-button" data-action="request-measurement" disabled={waiting || !canStartMeasurement(device.state)} onClick={() => onRequest(device.id)}>
                Request measurement
              </button>
            )}
            {request && (
              <span className="clinician-request" data-role="request-status" data-status={request.status}>
                {REQUEST_WORDS[request.status]}
                {request.detail ? `: ${request.detail}` : ''}
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}

const SNAPSHOT_WORDS = { idle: '', sending: 'Saving the still to the visit…', saved: 'Still saved to the visit', failed: 'The still was not saved' } as const;

function SnapshotControl({ session, view }: { session: ClinicianSession; view: ClinicianSessionView }) {
  const [error, setError] = useState<string | null>(null);
  const take = async () => {
    setError(null);
    try {
      session.sendSnapshot(await captureVideoStill('video[data-role="remote-video"]'));
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };
  const { state, detail } = view.snapshot;
  return (
    <div className="clinician-snapshot">
      <button type="button" className="action-button" data-action="snapshot" disabled={!view.linked || state === 'sending'} onClick={() => void take()}>
        Save still of patient video
      </button>
      <span data-role="snapshot-status" data-state={state}>
        {error ?? SNAPSHOT_WORDS[state]}
        {detail ? `: ${detail}` : ''}
      </span>
    </div>
  );
}

/** A value recomputed every `intervalMs` (the tiles' ages). */
function useTicking(read: () => number, intervalMs: number): number {
  const [value, setValue] = useState(read);
  useEffect(() => {
    const timer = window.setInterval(() => setValue(read()), intervalMs);
    return () => window.clearInterval(timer);
  }, [read, intervalMs]);
  return value;
}
