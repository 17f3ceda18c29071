import { describe, expect, it } from 'vitest';
import { StationIds, URI_IDENTIFIER_SYSTEM, nameBasedUuid } from './stable-ids';

/**
 * Expected UUIDs computed independently of stable-ids.ts, with Python's uuid.uuid5 (RFC 9562
 * section 5.5) in the VitalBridge namespace 6f1c3e2a-9b7d-4e58-a0c4-d2b1e9f37a65. They are pinned
 * because a changed id is a second copy of every record on the server at the next sync.
 */
const PYTHON_UUID5 = {
  'station-0001/patient/42': '7d88278a-0061-5e33-bbf7-1193a9c3308b',
  'station-0001/reading/7': 'f89c84fc-4d23-5bce-bb49-c85720ef5069',
  'identifier/station-0001/patient/42': 'a83b1bd9-2a28-5a62-9531-db08acf86ec6',
  'identifier/station-0001/reading/7': 'da40dbf0-0adc-55c7-87f9-48f89c08be96',
  'station-0002/patient/42': 'b645b40a-ece0-5c6e-8124-d957790dcc6b',
  'station-0001/patient/Zürich': 'cc9bdb72-a8f6-5419-95f6-fb21f1601fc0',
};

describe('name-based UUIDs', () => {
  it('are the RFC 9562 version 5 UUIDs of the name, as another implementation computes them', () => {
    for (const [name, expected] of Object.entries(PYTHON_UUID5)) expect(nameBasedUuid(name)).toBe(expected);
  });
});

describe('a station\'s resource ids and identifiers', () => {
  const ids = new StationIds('station-0001');

  it('name a record by station, kind and record id, the same on every export', () => {
    expect(ids.uuid('patient', 42)).toBe(PYTHON_UUID5['station-0001/patient/42']);
    expect(ids.uuid('reading', '7')).toBe(PYTHON_UUID5['station-0001/reading/7']);
    expect(new StationIds('station-0002').uuid('patient', 42)).toBe(PYTHON_UUID5['station-0002/patient/42']);
    expect(ids.fullUrl('patient', 42)).toBe(`urn:uuid:${PYTHON_UUID5['station-0001/patient/42']}`);
  });

  it('give each record an identifier that a conditional create can find and that is not its fullUrl', () => {
    expect(ids.identifier('patient', 42)).toEqual({ system: URI_IDENTIFIER_SYSTEM, value: `urn:uuid:${PYTHON_UUID5['identifier/station-0001/patient/42']}` });
    expect(URI_IDENTIFIER_SYSTEM).toBe('urn:ietf:rfc:3986');
    expect(ids.identifier('reading', 7).value).toBe(`urn:uuid:${PYTHON_UUID5['identifier/station-0001/reading/7']}`);
    expect(ids.identifier('patient', 42).value).not.toBe(ids.fullUrl('patient', 42));
  });

  it('reference a resource of the same bundle by fullUrl and type, and one outside it by identifier and type', () => {
    expect(ids.reference('Patient', 'patient', 42)).toEqual({ reference: ids.fullUrl('patient', 42), type: 'Patient' });
    expect(ids.logicalReference('Practitioner', 'person', 3)).toEqual({ type: 'Practitioner', identifier: ids.identifier('person', 3) });
  });

  it('accept a station id of 8 to 64 letters, digits, dashes or underscores', () => {
    for (const stationId of ['abcd-_09', 'A'.repeat(64), 'st_1-XYZ']) expect(new StationIds(stationId).stationId).toBe(stationId);
  });

  it.each([
    ['seven c', 'too short'],
    ['x'.repeat(65), 'too long'],
    ['abcdefg', 'seven characters'],
    ['station/0001', 'a slash, which would let one station name another station\'s records'],
    ['station 0001', 'a space'],
    ['/station-0001', 'a bad first character'],
    ['station-0001/', 'a bad last character'],
    ['', 'empty'],
  ])('refuses the station id %j (%s)', (stationId) => {
    expect(() => new StationIds(stationId)).toThrow(new Error('a station id is 8 to 64 letters, digits, dashes or underscores'));
  });
});
