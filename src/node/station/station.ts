/**
 * The station core as Electron main and the web-mode host both run it: the peripheral hub over the
 * real USB sources (and the simulator when asked), feeding a frame batcher that every connected
 * screen subscribes to through a ContractSession.
 */
import type { StationActivity } from '../updates/update-policy';
import { startHl7Output } from '../hl7/hl7-output';
import { Hl7OutputSchema, type Hl7OutputSettings } from '../hl7/hl7-settings';
import { createHl7Handlers, type StationHl7 } from './sync/hl7-handlers';
import { mkdir } from 'node:fs/promises';
import { CaptureFileError } from '../capture/capture-file';
import { CaptureFormatError } from '../capture/format';
import { ReplaySetupError } from '../capture/replay';
import { loadCaptureReplay, type CaptureReplaySource } from '../capture/replay-source';
import type { DriverManifest } from '../drivers/driver';
import { hardwareDrivers } from '../drivers/registry';
import { PeripheralHub } from '../hub/hub';
import { NodeHidSource } from '../hub/node-hid-source';
import { SerialPortSource } from '../hub/serialport-source';
import { BleSource } from '../ble/ble-source';
import { loadNoble } from '../ble/noble-boundary';
import { bleManifests } from '../ble/gatt-driver';
import type { DeviceSource } from '../hub/source';
import { DEFAULT_FHIR_SETTINGS, type FhirSettings } from '../fhir/export-settings';
import type { DataKeyProvider, StationKeyProvider } from '../records/key-provider';
import type { RetentionPolicy } from '../records/store';
import { createSimulator, isScenarioName, SCENARIO_NAMES, systemClock, type Simulator } from '../simulator';
import { DEFAULT_INACTIVITY_LOCK_MS } from '../identity/authenticator';
import type { KioskState } from '../../shared/contract-access';
import { logError, logText } from '../../shared/log-text';
import { createAccessHandlers } from './access/access-handlers';
import { StationAccess } from './access/station-access';
import { auditedClinicalActs } from './persistence/clinical-acts';
import { createClinicalStation } from './clinical/clinical-station';
import { KioskController, type StationShell } from './kiosk/kiosk-controller';
import { createKioskHandlers } from './kiosk/kiosk-handlers';
import { memoryKioskSetting, type KioskSetting } from './kiosk/kiosk-setting';
import { PatientReadings } from './kiosk/patient-readings';
import { chartedByStationUser, savedNews2 } from './persistence/news2-resume';
import type { ContractHost, StationHandlers } from './contract-session';
import { FrameBatcher, type FrameBatcherOptions } from './frame-batcher';
import { openStationRecords, type StationRecords } from './persistence/station-records';
import { HostedVisits } from './hosted-visits';
import { createVisitSnapshotHandlers } from './visit-snapshots';
import { createVisitNotesHandlers } from './visit-notes-handlers';
import { createMeasurementRequestHandlers } from './measurement-request-handlers';
import { MeasurementRequests } from '../records/measurement-requests';
import { VisitNotes } from '../records/visit-notes';
import { createVisitHandlers, type VisitConnector } from './visits';
import { createPatientViewAudit } from './records/patient-views';
import { createEncounterHistoryHandler } from './records/encounter-history';
import { createRecordsHandlers } from './records/records-handlers';
import { createCurrentPatientHandler } from './records/current-patient';
import { ScreenBroadcast } from './screen-broadcast';
import { createMonitorSettingsHandlers } from './monitor-settings';
import { createPatientLookupHandler } from './records/patient-lookup-handler';
import { openFhirConnection } from '../sync/fhir-connection';
import { Outbox } from '../sync/outbox';
import { SyncThread } from '../sync/sync-thread';
import { createPlethHandlers } from './sync/pleth-handlers';
import { PendingExports } from './records/patient-exports';
import { createStationSummaryHandlers, type PdfPrinter } from './records/summary-handlers';
import { createSyncHandlers, type StationSync } from './sync/sync-handlers';
import type { StationSettings } from '../settings/schema';
import type { Metric } from '../../shared/vitals';
import { memoryValue, type StoredValue } from '../settings/stored-value';
import { userInfo } from 'node:os';
import { mountPlaces, WatchDetector, type MountPlaces } from '../wearables/watch-detector';
import { createWearableHandlers } from './wearables-handlers';

export interface StationOptions {
  /** Where the station keeps its files; created (owner-only) when missing. */
  dataDir: string;
  /** The records database's key: FileKeyProvider in web mode and the CLI, the OS keychain in Electron. */
  keyProvider: StationKeyProvider;
  /** How long recorded data is kept (settings); DEFAULT_RETENTION otherwise. */
  retention?: RetentionPolicy;
  /** What the FHIR records say beyond the data (settings `records`); DEFAULT_FHIR_SETTINGS otherwise. */
  fhir?: FhirSettings;
  /** How long an unused screen stays unlocked (settings); DEFAULT_INACTIVITY_LOCK_MS otherwise. */
  inactivityLockMs?: number;
  /** Attach the simulated peripherals. */
  simulate?: boolean;
  /** The clinical scenario the simulated patient plays (implies nothing unless `simulate`). */
  scenario?: string;
  /** Seed of the simulator's noise; same seed, same readings. */
  seed?: number;
  /** How many times faster than real time scenarios play (training and tests); 1 by default. */
  scenarioSpeed?: number;
  /** Capture files to attach as replayed devices (see CaptureReplaySource). */
  replay?: readonly string[];
  /** Look for real USB devices (node-hid, serialport); on unless a test turns it off. */
  hardware?: boolean;
  /** How often sources without plug notifications are listed again. */
  pollIntervalMs?: number;
  /** Where removable drives are mounted, to notice a watch (../wearables/watch-detector.ts); the OS's places with `hardware`, none otherwise. */
  wearableMounts?: MountPlaces;
  batcher?: FrameBatcherOptions;
  /** Where video visits are created (known once the consultation server runs); null: none available. */
  consult?: () => VisitConnector | null;
  /** The FHIR server (settings fhirServer); none otherwise. */
  fhirServer?: StationSettings['fhirServer'];
  /** The HL7 v2 (PCD-01) output (settings hl7Output); none otherwise. */
  hl7Output?: Hl7OutputSettings;
  /** Kiosk mode as the settings keep it; off and not kept across restarts otherwise. */
  kiosk?: { setting: KioskSetting; visitIdleMs: number };
  /** What the program around the core does for a kiosk (the Electron window); web mode has none. */
  shell?: StationShell;
  /** Prints a visit summary's PDF on the station's printer (the desktop app); web mode has none: the page prints. */
  printPdf?: PdfPrinter;
  /** The locale the screens format dates and times in (settings `display.locale`); null: each screen's own. */
  locale?: string | null;
  /** The unit screens show glucose in (settings `devices.displayUnits.glucose`); absent: each reading's own. */
  displayUnits?: { glucose?: 'mg/dL' | 'mmol/L' };
  /** Parameters the monitor shows even when nothing measures them (settings `display.alwaysShowMetrics`); none and not kept otherwise. */
  alwaysShowMetrics?: StoredValue<readonly Metric[]>;
  log?: (message: string) => void;
}

export interface Station extends ContractHost {
  /** The scenario the simulator plays, when simulating. */
  readonly scenario: string | null;
  /** The encrypted records: the launch's encounter and everything recorded under it. */
  readonly records: StationRecords;
  /** The background FHIR sync, when settings name a server (fhirServer.baseUrl); null otherwise. */
  readonly sync: SyncThread | null;
  /** What the station is doing now, for the desktop app's update policy (src/node/updates). */
  activity(): StationActivity;
  close(): Promise<void>;
}

/** A usage error in the station's options (exit code 2 on the command line). */
export class StationOptionsError extends Error {
  override readonly name = 'StationOptionsError';
}

export async function createStation(options: StationOptions): Promise<Station> {
  if (options.scenario !== undefined && !isScenarioName(options.scenario)) {
    throw new StationOptionsError(`Unknown scenario ${logText(options.scenario)}; one of: ${SCENARIO_NAMES.join(', ')}`);
  }
  if (options.scenario !== undefined && !options.simulate) {
    throw new StationOptionsError('A scenario needs the simulated peripherals (--simulate)');
  }
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const log = options.log ?? ((message: string) => console.warn(`[station] ${message}`));
  // Before anything starts running, so a bad capture stops nothing half-started.
  const replays = await loadReplays(options.replay ?? [], log);

  const sources: DeviceSource[] = [];
  const drivers: DriverManifest[] = [];
  if (options.hardware ?? true) {
    sources.push(new NodeHidSource(), new SerialPortSource(), new BleSource({ loadNoble, log }));
    drivers.push(...hardwareDrivers);
  }
  let simulator: Simulator | undefined;
  if (options.simulate) {
    simulator = createSimulator({
      scenario: options.scenario !== undefined && isScenarioName(options.scenario) ? options.scenario : undefined,
      seed: options.seed,
      speed: options.scenarioSpeed,
      onError: (error) => log(`simulator: ${logError(error)}`),
    });
    sources.push(simulator.source, simulator.bleSource);
    drivers.push(...simulator.manifests);
    if (!(options.hardware ?? true)) drivers.push(...bleManifests);
  }

  for (const replay of replays) {
    sources.push(replay);
    drivers.push(replay.manifest);
  }

  // A wrong or missing key stops the start here, before any device is opened.
  const records = await openStationRecords({
    dataDir: options.dataDir,
    keyProvider: options.keyProvider,
    retention: options.retention,
    fhir: options.fhir,
    inactivityLockMs: options.inactivityLockMs,
    // A kiosk's next person is a new patient; a staff-mode station carries on with the patient it had.
    resumeEncounter: !(options.kiosk?.setting.enabled ?? false),
    log,
  });
  const access = new StationAccess({
    authenticator: records.authenticator,
    users: records.users,
    currentPatientId: () => records.encounter.patientId,
    // Called only once screens connect, after the kiosk below exists.
    kiosk: (): KioskState => kiosk.state(),
    inactivityLockMs: options.inactivityLockMs ?? DEFAULT_INACTIVITY_LOCK_MS,
  });
  const hub = new PeripheralHub({ sources, drivers, pollIntervalMs: options.pollIntervalMs ?? 2_000, log });
  const batcher = new FrameBatcher({
    ...options.batcher,
    onSinkError: (error) => log(`a screen stopped receiving events: ${logError(error)}`),
  });
  hub.on('devices', (devices) => batcher.pushDevices(devices));
  hub.on('reading', (reading) => batcher.pushReading(reading));
  hub.on('waveform', (batch) => batcher.pushWaveform(batch));
  records.attach(hub);
  await hub.start().catch(async (error: unknown) => {
    access.close();
    await records.close();
    throw error;
  });
  batcher.pushDevices(hub.devices());
  const patientReadings = new PatientReadings(hub);
  const broadcast = new ScreenBroadcast((error) => log(`a screen stopped receiving station events: ${logError(error)}`));
  const patientChanged = () => broadcast.send('patientChanged', {});
  const stopFollowingEncounter = records.encounter.onChange(patientChanged);
  const hostedVisits = new HostedVisits({
    onChange: patientChanged,
    clinicianConnected: async (visitId) => (await options.consult?.()?.clinicianConnected(visitId)) ?? false,
    // A forged or stale relay is audited under the person whose screen sent it; a made-up visit id is not repeated.
    // Repeats within a minute are counted in one entry, so a screen retrying cannot flood the trail.
    onRefused: ({ actor, visitId }) => records.authenticator.refusals.refused(actor.id, actor.role, 'visit.relay-refused', visitId),
  });
  const clinical = createClinicalStation({
    hub: patientReadings,
    clock: systemClock,
    acts: auditedClinicalActs(records),
    scenarios: simulator,
    hostedVisits,
    onSinkError: (error) => log(`a screen stopped receiving alarm and NEWS2 events: ${logError(error)}`),
  });
  for (const change of clinical.alarms.restoreLimits(records.store.limitsInForce())) {
    log(`alarms: the ${change.metric} ${change.side} limit set before the restart is outside today's bounds; the default applies`);
  }
  records.recorder.recordAlarmLog(clinical.alarms.current().log);
  clinical.alarms.feed.subscribe((state) => records.recorder.recordAlarmLog(state.log));
  // A resumed encounter's NEWS2 (charted entries with their original times, the trend) as filed before the restart.
  const news2Record = records.store.news2Record(records.encounter.patientId);
  records.recorder.resumeNews2(news2Record);
  clinical.news2.restore(savedNews2(news2Record, records.encounter, chartedByStationUser(records.users)));
  clinical.news2.feed.subscribe((state) => records.recorder.recordNews2(state));
  const kiosk = new KioskController({
    setting: options.kiosk?.setting ?? memoryKioskSetting(),
    access,
    authenticator: records.authenticator,
    audit: records.audit,
    encounter: records.encounter,
    flushRecorder: () => records.recorder.flush(),
    startNewPatientReadings: () => patientReadings.startNewPatient(),
    resetClinicalState: () => clinical.resetForNewPatient(),
    setAlarmStandby: (standby) => clinical.alarms.setStandby(standby),
    shell: options.shell,
    visitIdleMs: options.kiosk?.visitIdleMs ?? options.inactivityLockMs ?? DEFAULT_INACTIVITY_LOCK_MS,
    log,
  });

  // A sync that cannot start (a key missing) is logged and shown on the Sync panel; monitoring goes on without it.
  let syncState: StationSync = { state: 'not-configured' };
  const fhirServer = options.fhirServer;
  const server = fhirServer?.baseUrl;
  const sync = fhirServer && server
    ? await startSync(options, fhirServer, records, log).then(
        (thread) => ((syncState = { state: 'running', thread }), thread),
        (error: unknown) => {
          log(`sync: not started: ${logError(error)}`);
          syncState = { state: 'not-running', server, problem: error instanceof Error ? error.message : String(error) };
          return null;
        },
      )
    : null;

  // Like the sync: an output that cannot start (a CA file unreadable) is logged and shown; monitoring goes on.
  let hl7State: StationHl7 = { state: 'not-configured' };
  const hl7Settings = options.hl7Output;
  const hl7 = hl7Settings?.host
    ? await startHl7Output({ settings: hl7Settings, db: records.store.db, store: records.store, audit: records.audit, patientIdentifierSystem: options.fhir?.patientIdentifierSystem ?? null, log }).then(
        (output) => (output && (hl7State = { state: 'running', output }), output),
        (error: unknown) => {
          log(`hl7: not started: ${logError(error)}`);
          hl7State = { state: 'not-running', engine: `${hl7Settings.host}:${hl7Settings.port}`, problem: error instanceof Error ? error.message : String(error) };
          return null;
        },
      )
    : // Without an engine the queue is switched off (it may have been on before).
      await startHl7Output({ settings: { ...(hl7Settings ?? Hl7OutputSchema.parse({})), host: null }, db: records.store.db, store: records.store, audit: records.audit, patientIdentifierSystem: null, log });

  const watchDetector = new WatchDetector(options.wearableMounts ?? ((options.hardware ?? true) ? mountPlaces(process.platform, userInfo().username) : { parents: [], drives: [] }));
  const alwaysShow = options.alwaysShowMetrics ?? memoryValue<readonly Metric[]>([]);
  // The record exports and the visit summary downloads, read part by part through one method.
  const recordExports = new PendingExports();
  const patientViews = createPatientViewAudit({ clinical: records.clinical, currentPatientId: () => records.encounter.patientId });
  const handlers: StationHandlers = {
    getSnapshot: (_input, { screen }) => {
      patientViews.viewed(screen);
      return { devices: hub.devices(), latest: patientReadings.latest(), now: Date.now(), locale: options.locale ?? null, displayUnits: options.displayUnits ?? {}, alwaysShow: [...alwaysShow.value] };
    },
    ...createEncounterHistoryHandler({ clinical: records.clinical, encounter: () => records.encounter, views: patientViews }),
    requestMeasurement: ({ deviceId }) => {
      hub.requestMeasurement(deviceId);
      return undefined;
    },
    ...createAccessHandlers({ users: records.users, authenticator: records.authenticator, audit: records.audit }),
    ...createVisitSnapshotHandlers({ hosted: hostedVisits, keep: (png, relayedBy) => records.keepVisitSnapshot(png, relayedBy), log }),
    ...createVisitHandlers({
      hosted: hostedVisits,
      connector: options.consult ?? (() => null),
      onConsent: (consent, recordedBy) => records.recordVisitConsent(consent, recordedBy),
      onAudit: ({ actor, action, visitId }) => records.audit.append({ actor: actor.id, role: actor.role, action, object: visitId }),
    }),
    ...clinical.handlers,
    ...createKioskHandlers(kiosk),
    ...createRecordsHandlers({ store: records.store, clinical: records.clinical, audit: records.audit, encounter: () => records.encounter, exports: recordExports }),
    ...createStationSummaryHandlers(records, { fhir: options.fhir, locale: options.locale, exports: recordExports, printPdf: options.printPdf }),
    ...createMonitorSettingsHandlers({ setting: alwaysShow, audit: records.audit, announce: (settings) => broadcast.send('monitorSettings', settings) }),
    ...createCurrentPatientHandler({ store: records.store, encounter: () => records.encounter, videoVisit: () => hostedVisits.hosting(), views: patientViews }),
    ...createPatientLookupHandler({
      audit: records.audit,
      connect: async () =>
        options.fhirServer ? openFhirConnection({ settings: options.fhirServer, dataDir: options.dataDir, keyProvider: options.keyProvider, env: process.env }) : null,
    }),
    ...createSyncHandlers({ sync: syncState, audit: records.audit }),
    ...createHl7Handlers({ hl7: () => hl7State, audit: records.audit }),
    ...createWearableHandlers({
      detector: watchDetector,
      store: records.store,
      audit: records.audit,
      currentPatientId: () => records.encounter.patientId,
      announce: (state) => broadcast.send('wearable', state),
    }),
    ...createPlethHandlers({ sync: syncState, store: records.store, audit: records.audit }),
    ...createVisitNotesHandlers({ notes: new VisitNotes(records.store.db, records.audit), encounter: () => records.encounter, hosted: hostedVisits }),
    ...createMeasurementRequestHandlers({
      requests: new MeasurementRequests(records.store.db, records.audit),
      encounter: () => records.encounter,
      hosted: hostedVisits,
      deviceName: (deviceId) => hub.devices().find((device) => device.id === deviceId)?.name ?? null,
    }),
  };

  let closing: Promise<void> | undefined;
  // After the handlers listen, so a watch already plugged in at start is offered to the screens.
  await watchDetector.start().catch((error: unknown) => log(`wearables: the mount folders could not be watched: ${logError(error)}`));
  return {
    handlers,
    scenario: simulator?.scenario ?? null,
    records,
    sync,
    activity: () => ({
      kiosk: kiosk.state().enabled,
      visitInProgress: hostedVisits.hosting() || kiosk.state().visitOpen,
      alarmActive: clinical.alarms.current().alarms.length > 0,
    }),
    openScreen: (notify) => access.openScreen(notify),
    subscribe(sink) {
      const frames = batcher.subscribe(sink);
      const clinicalState = clinical.subscribe(sink);
      const stationEvents = broadcast.subscribe(sink);
      return {
        pause: () => frames.pause(),
        resume: () => frames.resume(),
        close() {
          frames.close();
          clinicalState.close();
          stationEvents.close();
        },
      };
    },
    close() {
      closing ??= (async () => {
        simulator?.stop();
        watchDetector.stop();
        kiosk.close();
        stopFollowingEncounter();
        broadcast.close();
        clinical.close();
        access.close();
        batcher.close();
        await hub.close();
        await sync?.close();
        await hl7?.close();
        await records.close();
      })();
      return closing;
    },
  };
}

/** The sync thread, with the keys it needs read here (the desktop app's key provider lives in this thread). */
async function startSync(options: StationOptions, fhirServer: StationSettings['fhirServer'], records: StationRecords, log: (message: string) => void): Promise<SyncThread> {
  const required = async (provider: DataKeyProvider, create: boolean, label: string) => {
    const key = await provider.getDataKey({ create });
    if (!key) throw new Error(`the sync cannot start: the ${label} is missing`);
    return key;
  };
  const keys = {
    data: await required(options.keyProvider, false, 'data key'),
    audit: await required(options.keyProvider.auditKeyProvider(), false, 'audit key'),
    // Only SMART signs with the station's key pair; the sync key is created with it on first use.
    sync: fhirServer.auth === 'smart' ? await required(options.keyProvider.syncKeyProvider(), true, 'sync key') : new Uint8Array(0),
  };
  return new SyncThread({
    dataDir: options.dataDir,
    keys,
    env: process.env,
    fhirServer,
    patientIdentifierSystem: options.fhir?.patientIdentifierSystem ?? null,
    careSetting: options.fhir?.careSetting ?? DEFAULT_FHIR_SETTINGS.careSetting,
    locale: options.locale ?? null,
    outbox: new Outbox(records.store.db),
    log,
  });
}

/** A capture that cannot be replayed is a usage error, named with the flag that gave it. */
async function loadReplays(files: readonly string[], log: (message: string) => void): Promise<CaptureReplaySource[]> {
  const replays: CaptureReplaySource[] = [];
  for (const [index, file] of files.entries()) {
    try {
      replays.push(await loadCaptureReplay(file, { index, log }));
    } catch (error) {
      if (error instanceof CaptureFileError || error instanceof CaptureFormatError || error instanceof ReplaySetupError) {
        throw new StationOptionsError(`--replay ${file}: ${error.message}`);
      }
      throw error;
    }
  }
  return replays;
}
