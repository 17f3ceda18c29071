/**
 * saveVisitSnapshot: stills of the patient video a clinician took during a visit, reassembled from
 * their chunks, checked to be a PNG (signature, header, dimensions, trailer), and handed to the
 * encrypted records (never a plain file: a picture of the patient is health data). Only the screen
 * hosting the visit relays them, once it admitted the clinician and while they are connected
 * (HostedVisits), and at most MAX_SNAPSHOTS_PER_VISIT per visit.
 */
import type { MethodInput, MethodOutput } from '../../shared/contract';
import { SnapshotAssembler } from '../../shared/consult/snapshot-assembler';
import type { Actor } from '../../shared/clinical/actor';
import type { InvocationContext } from './contract-session';
import type { HostedVisits } from './hosted-visits';

/** A clinician takes a few stills per visit; each is at most MAX_SNAPSHOT_BYTES (8 MB). */
export const MAX_SNAPSHOTS_PER_VISIT = 20;

export interface VisitSnapshotHandlers {
  saveVisitSnapshot(input: MethodInput<'saveVisitSnapshot'>, context: InvocationContext): Promise<MethodOutput<'saveVisitSnapshot'>>;
}

export interface VisitSnapshotOptions {
  hosted: HostedVisits;
  /** Files the PNG with the visit, under the person whose screen relayed it, and returns the attachment's id. */
  keep(png: Uint8Array, relayedBy: Actor): string;
  log?: (message: string) => void;
}

export function createVisitSnapshotHandlers(options: VisitSnapshotOptions): VisitSnapshotHandlers {
  const assembler = new SnapshotAssembler();
  return {
    async saveVisitSnapshot({ visitId, ...chunk }, { actor, screen }) {
      // Nothing is held for a screen that may not relay for this visit's clinician.
      options.hosted.hostedBy(visitId, screen, actor, 'attachment.capture');
      const result = assembler.add(chunk);
      if (result.kind === 'error') throw new Error(`The snapshot was not saved: ${result.message}`);
      if (result.kind === 'partial') return { complete: false, received: result.received, count: result.count };
      const { snapshot } = result;
      const visit = await options.hosted.relayFor(visitId, screen, actor, 'attachment.capture');
      // A clinician's page resends a snapshot whose answer it missed; it is kept once.
      let attachmentId = visit.snapshots.get(snapshot.snapshotId);
      if (attachmentId === undefined) {
        if (visit.snapshots.size >= MAX_SNAPSHOTS_PER_VISIT) throw new Error(`The snapshot was not saved: a visit keeps at most ${MAX_SNAPSHOTS_PER_VISIT} snapshots`);
        attachmentId = options.keep(snapshot.png, actor);
        visit.snapshots.set(snapshot.snapshotId, attachmentId);
        options.log?.(`visit snapshot kept (${snapshot.width}×${snapshot.height}, ${snapshot.png.length} bytes)`);
      }
      return { complete: true, attachmentId, bytes: snapshot.png.length, width: snapshot.width, height: snapshot.height };
    },
  };
}
