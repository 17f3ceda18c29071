import type { Composition, DocumentReference } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { bundleLinks } from './links';
import { StationIds } from './stable-ids';
import { syncedSummaryReference } from './summary-reference';

const ids = new StationIds('0123456789abcdef0123456789abcdef');
const composition: Composition & { id: string } = {
  resourceType: 'Composition',
  id: ids.uuid('visit-summary', 'v1'),
  identifier: ids.identifier('visit-summary', 'v1'),
  status: 'final',
  type: { text: 'Visit summary' },
  date: '2025-01-15T09:30:00.000Z',
  author: [{ display: 'station' }],
  title: 'Visit summary',
};
// As summaryFhir builds it: pointing into the exported document Bundle.
const documentReference: DocumentReference & { id: string } = {
  resourceType: 'DocumentReference',
  id: ids.uuid('visit-summary-pdf', 'v1'),
  identifier: [ids.identifier('visit-summary-pdf', 'v1')],
  status: 'current',
  subject: ids.reference('Patient', 'patient', 'p1'),
  content: [{ attachment: { contentType: 'application/pdf', data: 'JVBERi0=' } }],
  context: { encounter: [ids.reference('Encounter', 'visit', 'v1')], period: { start: '2025-01-15T09:00:00.000Z' }, related: [{ reference: `urn:uuid:${composition.id}` }] },
};

describe('the DocumentReference the sync sends for a visit summary', () => {
  it("points at the server's Patient when the patient was chosen from there, at the Encounter entry, and names the Composition by identifier", () => {
    const links = bundleLinks(ids, new Set(['v1']), new Map([['p1', 'server-42']]));
    const sent = syncedSummaryReference({ patientId: 'p1', visitId: 'v1', documentReference, composition }, links);
    expect(sent.subject).toEqual({ reference: 'Patient/server-42', type: 'Patient' });
    expect(sent.context?.encounter).toEqual([ids.reference('Encounter', 'visit', 'v1')]);
    expect(sent.context?.related).toEqual([{ type: 'Composition', identifier: ids.identifier('visit-summary', 'v1'), display: 'Visit summary' }]);
    expect(sent.context?.period).toEqual(documentReference.context?.period);
    expect(sent.content).toBe(documentReference.content);
    expect(sent.identifier).toEqual(documentReference.identifier);
  });

  it('names a visit not in the batch by its identifier', () => {
    const sent = syncedSummaryReference({ patientId: 'p1', visitId: 'v1', documentReference, composition }, bundleLinks(ids, new Set()));
    expect(sent.context?.encounter).toEqual([ids.logicalReference('Encounter', 'visit', 'v1')]);
    expect(sent.subject).toEqual(ids.reference('Patient', 'patient', 'p1'));
  });
});
