import { describe, expect, it } from 'vitest';
import { can, isPatientScoped, isStationRole, PROTECTED_ACTIONS, requiresSecondFactor, STATION_ROLES, type ProtectedAction, type StationRole } from './roles';

/** The matrix written out a second time, by action, as a reviewer would read it. */
const ALLOWED: Record<ProtectedAction, readonly StationRole[]> = {
  'patient.list': ['nurse', 'physician', 'administrator'],
  'patient.view': ['kiosk', 'nurse', 'physician'],
  'patient.create': ['nurse', 'physician'],
  'patient.edit': ['nurse', 'physician'],
  'reading.record': ['kiosk', 'nurse', 'physician'],
  'note.write': ['nurse', 'physician'],
  'consent.record': ['kiosk', 'nurse', 'physician'],
  'attachment.capture': ['nurse', 'physician'],
  'alarm.acknowledge': ['nurse', 'physician'],
  'alarm.pause-audio': ['nurse', 'physician'],
  'alarm.change-limits': ['physician'],
  'observation.enter': ['nurse', 'physician'],
  'news2.prescribe-scale-2': ['physician'],
  'visit.start': ['kiosk', 'nurse', 'physician'],
  'visit.end': ['kiosk', 'nurse', 'physician'],
  'visit.admit-clinician': ['kiosk', 'nurse', 'physician'],
  'visit.join-as-clinician': ['nurse', 'physician'],
  'record.export': ['physician', 'administrator'],
  'record.erase': ['administrator'],
  'user.manage': ['administrator'],
  'audit.view': ['administrator'],
  'device.manage': ['nurse', 'physician', 'administrator'],
  'settings.change': ['administrator'],
  'kiosk.leave': ['administrator'],
  'sync.status': ['nurse'],
  'sync.manage': ['administrator'],
};

describe('role matrix', () => {
  const cells = STATION_ROLES.flatMap((role) => PROTECTED_ACTIONS.map((action) => [role, action, ALLOWED[action].includes(role)] as const));

  it.each(cells)('%s × %s → allowed: %s', (role, action, allowed) => {
    expect(can(role, action)).toBe(allowed);
  });

  it('covers every role and action', () => {
    expect(cells).toHaveLength(STATION_ROLES.length * PROTECTED_ACTIONS.length);
    expect(Object.keys(ALLOWED).sort()).toEqual([...PROTECTED_ACTIONS].sort());
  });

  it('refuses roles and actions it does not know (e.g. from a hostile message)', () => {
    expect(can('root' as StationRole, 'record.erase')).toBe(false);
    expect(can('administrator', 'drop.tables' as ProtectedAction)).toBe(false);
    expect(can('administrator', '__proto__' as ProtectedAction)).toBe(false);
  });

  it('demands a second factor from everyone but the kiosk, and scopes only the kiosk to one patient', () => {
    expect(STATION_ROLES.filter(requiresSecondFactor)).toEqual(['nurse', 'physician', 'administrator']);
    expect(STATION_ROLES.filter(isPatientScoped)).toEqual(['kiosk']);
  });

  it('recognises exactly the station roles as a role read back from storage', () => {
    for (const role of STATION_ROLES) expect(isStationRole(role)).toBe(true);
    // A tampered or corrupt account row must not pass as a role, whatever its spelling or type.
    for (const value of ['root', 'Nurse', ' nurse', '', 'kiosk,nurse', null, undefined, 1, ['nurse'], { role: 'nurse' }]) {
      expect(isStationRole(value), JSON.stringify(value)).toBe(false);
    }
  });
});
