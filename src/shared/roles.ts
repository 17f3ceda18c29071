/**
 * Who may do what at the station: the sign-in roles and the permission matrix every protected
 * action is checked against, in the core and on every screen alike. The clinical core's `Actor`
 * (./clinical/actor.ts) carries these same roles, so an alarm acknowledgement or a NEWS2 entry is
 * judged by this matrix too.
 */

export const STATION_ROLES = ['kiosk', 'nurse', 'physician', 'administrator'] as const;
export type StationRole = (typeof STATION_ROLES)[number];

export const PROTECTED_ACTIONS = [
  'patient.list',
  'patient.view',
  'patient.create',
  'patient.edit',
  'reading.record',
  'note.write',
  'consent.record',
  'attachment.capture',
  'alarm.acknowledge',
  'alarm.pause-audio',
  'alarm.change-limits',
  'observation.enter',
  'news2.prescribe-scale-2',
  'visit.start',
  'visit.end',
  'visit.admit-clinician',
  'visit.join-as-clinician',
  'record.export',
  'record.erase',
  'user.manage',
  'audit.view',
  'device.manage',
  'settings.change',
  'kiosk.leave',
  'sync.status',
  'sync.manage',
] as const;
export type ProtectedAction = (typeof PROTECTED_ACTIONS)[number];

/**
 * The matrix, by role. Reasons for the less obvious cells:
 * - kiosk is the patient at the station: their own record only (enforced by the session's patient
 *   scope), taking readings, consenting to and running a visit. The patient is the monitored
 *   person, not the operator IEC 60601-1-8 has acknowledge or pause alarms: at a self-service
 *   kiosk the alarm's sound is what brings staff, so the patient neither acknowledges nor pauses
 *   it. Their screen only relays the acknowledgement of the physician it admitted to its own visit
 *   while they are connected (HostedVisits in the core).
 * - alarm limits and the NEWS2 SpO₂ Scale 2 are prescriptions: physicians only.
 * - charted observations (NEWS2's counted respiratory rate, consciousness, air or oxygen) are a
 *   clinical assessment, not a reading a device takes: nurses and physicians, not the kiosk.
 * - export and erasure answer data-subject requests: physicians export for care, administrators
 *   export and erase on request; nobody clinical erases.
 * - the FHIR sync: administrators see its detail (server, parked items and why) and may retry or
 *   hurry it; nurses, who look after the station day to day, see a one-line status so they can
 *   call an administrator; physicians and the kiosk's patient see nothing of it.
 * - administrators run the station (users, devices, settings, audit) but do not browse clinical
 *   content; only they may take a station out of kiosk mode, so a patient left alone at a kiosk
 *   cannot reach anything else, whoever set it up.
 */
const NURSE_GRANTS: readonly ProtectedAction[] = [
  'patient.list',
  'patient.view',
  'patient.create',
  'patient.edit',
  'reading.record',
  'note.write',
  'consent.record',
  'attachment.capture',
  'alarm.acknowledge',
  'alarm.pause-audio',
  'observation.enter',
  'visit.start',
  'visit.end',
  'visit.admit-clinician',
  'visit.join-as-clinician',
  'device.manage',
];

const GRANTS: Record<StationRole, readonly ProtectedAction[]> = {
  kiosk: ['patient.view', 'reading.record', 'consent.record', 'visit.start', 'visit.end', 'visit.admit-clinician'],
  nurse: [...NURSE_GRANTS, 'sync.status'],
  // Everything a nurse may do, plus the prescriptions and exporting for care.
  physician: [...NURSE_GRANTS, 'alarm.change-limits', 'news2.prescribe-scale-2', 'record.export'],
  administrator: ['patient.list', 'record.export', 'record.erase', 'user.manage', 'audit.view', 'device.manage', 'settings.change', 'kiosk.leave', 'sync.manage'],
};

const MATRIX: ReadonlyMap<StationRole, ReadonlySet<ProtectedAction>> = new Map(
  STATION_ROLES.map((role) => [role, new Set(GRANTS[role])] as const),
);

/** Whether `role` may perform `action`. Unknown roles or actions (e.g. from a hostile message) are refused. */
export function can(role: StationRole, action: ProtectedAction): boolean {
  return MATRIX.get(role)?.has(action) ?? false;
}

/** Roles that see clinical data or run the station must present a TOTP code at every sign-in. */
export function requiresSecondFactor(role: StationRole): boolean {
  return role !== 'kiosk';
}

/** A kiosk session sees only the patient it was opened for. */
export function isPatientScoped(role: StationRole): boolean {
  return role === 'kiosk';
}

// includes() compares with ===, so a value of any other type is simply not found.
export const isStationRole = (value: unknown): value is StationRole => (STATION_ROLES as readonly unknown[]).includes(value);
