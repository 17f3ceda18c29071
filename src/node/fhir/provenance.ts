/**
 * One Provenance per batch of resources: what the station sent (targets), when, and who: the
 * station Device as the assembler and each person who charted something in it as an author.
 * Its id is named after the targets, so the same batch sent again is the same Provenance. R4's
 * Provenance has no identifier element, so that name is carried as a meta.tag (searchable as
 * `_tag` on every server) for the conditional create to match on.
 */
import type { Device, Practitioner, Provenance, Reference } from '@medplum/fhirtypes';
import { URI_IDENTIFIER_SYSTEM, type StationIds } from './stable-ids';

const PARTICIPANT_TYPE = 'http://terminology.hl7.org/CodeSystem/provenance-participant-type';

export function batchProvenance(ids: StationIds, targets: readonly Reference[], authors: readonly Reference<Practitioner>[], recorded: string): Provenance & { id: string } {
  if (targets.length === 0) throw new Error('a Provenance needs at least one target');
  const batchName = targets.map((target) => target.reference ?? target.identifier?.value ?? '').join(' ');
  return {
    resourceType: 'Provenance',
    id: ids.uuid('provenance', batchName),
    meta: { tag: [{ system: URI_IDENTIFIER_SYSTEM, code: ids.fullUrl('provenance', batchName), display: 'VitalBridge batch' }] },
    target: [...targets],
    recorded,
    agent: [
      { type: { coding: [{ system: PARTICIPANT_TYPE, code: 'assembler', display: 'Assembler' }] }, who: ids.reference<Device>('station', ids.stationId) },
      ...authors.map((who) => ({ type: { coding: [{ system: PARTICIPANT_TYPE, code: 'author', display: 'Author' }] }, who })),
    ],
  };
}
