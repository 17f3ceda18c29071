/**
 * Which protected action each contract method needs (roles.ts decides who may). The core checks
 * this table before any handler runs, for every screen and transport alike; the type makes a new
 * method without an entry a compile error, so nothing reaches a handler unchecked by omission.
 *
 * A few methods are open, because they are how a person gets a session at all: the handler itself
 * checks what is needed (credentials, the first-run state, an existing session).
 */
import type { MethodInput, StationMethodName } from './contract';
import type { ProtectedAction } from './roles';

/**
 * `anyone`: no session needed (sign-in screen, first-run enrolment, the kiosk's start button).
 * `session`: this screen's own session, even locked (lock, sign out, report activity).
 */
export const OPEN_METHODS = {
  getAccessState: 'anyone',
  enrolAdministrator: 'anyone',
  signIn: 'anyone',
  unlockSession: 'session',
  lockSession: 'session',
  signOut: 'session',
  reportActivity: 'session',
  // The kiosk opens the patient's session itself; leaving checks an administrator's credentials.
  startKioskVisit: 'anyone',
  leaveKiosk: 'anyone',
} as const satisfies Partial<Record<StationMethodName, 'anyone' | 'session'>>;
export type OpenMethodName = keyof typeof OPEN_METHODS;
export type GuardedMethodName = Exclude<StationMethodName, OpenMethodName>;

/** The action a guarded method needs; a function when the input decides it. */
export type MethodRequirement<M extends GuardedMethodName> = ProtectedAction | ((input: MethodInput<M>) => ProtectedAction);

/** A visit-notes call needs note.write for the screen's own note, visit.admit-clinician to relay the remote clinician's. */
const visitNoteRight = (input: { forRemoteClinician?: { visitId: string } | undefined }): ProtectedAction => (input.forRemoteClinician ? 'visit.admit-clinician' : 'note.write');

export const METHOD_REQUIREMENTS: { [M in GuardedMethodName]: MethodRequirement<M> } = {
  getSnapshot: 'patient.view',
  getEncounterHistory: 'patient.view',
  // A watch's import files readings in the patient's record; the person's yes or no is taken by whoever may record readings (a kiosk too).
  getWearableState: 'patient.view',
  importWearable: 'reading.record',
  declineWearable: 'reading.record',
  getWearableReadings: 'patient.view',
  requestMeasurement: 'reading.record',
  recordVisitConsent: 'consent.record',
  startVisit: 'visit.start',
  admitClinician: 'visit.admit-clinician',
  endVisit: 'visit.end',
  // Only the remote clinician takes visit snapshots; the station's screen relays them, as it relays acknowledgements.
  saveVisitSnapshot: 'visit.admit-clinician',
  getClinicalState: 'patient.view',
  // Relaying the remote physician's acknowledgement is part of hosting the visit (the clinical
  // core then acts as that physician); acknowledging at the station is the screen user's own act.
  acknowledgeAlarm: (input) => (input.forRemoteClinician ? 'visit.admit-clinician' : 'alarm.acknowledge'),
  pauseAlarmAudio: 'alarm.pause-audio',
  setAlarmLimits: 'alarm.change-limits',
  enterNews2Observation: 'observation.enter',
  listScenarios: 'patient.view',
  playScenario: 'device.manage',
  listUsers: 'user.manage',
  createUser: 'user.manage',
  removeUser: 'user.manage',
  enableKiosk: 'settings.change',
  finishKioskVisit: 'visit.end',
  listPatients: 'patient.list',
  getCurrentPatient: 'patient.view',
  nameCurrentPatient: 'patient.edit',
  // Looking the patient up on the server is part of naming them.
  findServerPatients: 'patient.edit',
  exportPatientRecord: 'record.export',
  readPatientExportChunk: 'record.export',
  exportVisitSummary: 'record.export',
  // A named visit's summary is a record leaving on paper; the current visit's is what its screen shows (the kiosk's "Your visit summary").
  printVisitSummary: (input) => (input.visitId === undefined ? 'patient.view' : 'record.export'),
  getCurrentVisitSummary: 'patient.view',
  erasePatientRecord: 'record.erase',
  verifyAuditTrail: 'audit.view',
  getSyncStatus: 'sync.manage',
  getSyncSummary: 'sync.status',
  retryParkedSync: 'sync.manage',
  sendSyncNow: 'sync.manage',
  getHl7Status: 'sync.manage',
  retryParkedHl7: 'sync.manage',
  // Sending a visit's pleth lets more of a patient's record leave the station for the server: the
  // right to export a record (physician, administrator), not the administrator's queue care.
  listPlethVisits: 'record.export',
  sendEncounterPleth: 'record.export',
  // Visit notes: the screen's own (nurses and physicians), or relayed for the remote clinician of
  // the visit this screen hosts, which is part of hosting it, as relaying an acknowledgement is.
  getVisitNotes: visitNoteRight,
  saveVisitNoteDraft: visitNoteRight,
  signVisitNote: visitNoteRight,
  addVisitNoteAddendum: visitNoteRight,
  // The requests the remote clinician made, and what the screen hosting the visit did with them: part of hosting it.
  recordMeasurementRequest: 'visit.admit-clinician',
  getMonitorSettings: 'settings.change',
  setMonitorSettings: 'settings.change',
};

export const isOpenMethod = (method: StationMethodName): method is OpenMethodName => Object.prototype.hasOwnProperty.call(OPEN_METHODS, method);

/** The action `method` needs for this input. */
export function requiredAction<M extends GuardedMethodName>(method: M, input: MethodInput<M>): ProtectedAction {
  const requirement = METHOD_REQUIREMENTS[method] as MethodRequirement<M>;
  return typeof requirement === 'function' ? requirement(input) : requirement;
}

/**
 * Events a screen receives only while its session may view the patient. Alarms are not among
 * them: an alarm is announced on every screen, signed in or not, locked or not, because an alarm
 * that waits for a sign-in is a patient-safety failure (IEC 60601-1-8); `access` is the screen's
 * own sign-in state.
 */
export const PATIENT_EVENTS = ['frame', 'devices', 'news2'] as const;
