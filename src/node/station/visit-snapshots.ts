/**
 * saveVisitSnapshot: stills of the patient video a clinician took during a visit, reassembled from
 * their chunks, checked to be a PNG, and handed to the encrypted records (never a plain file: a
 * picture of the patient is health data).
 */
import type { MethodInput, MethodOutput } from '../../shared/contract';
import { SnapshotAssembler } from '../../shared/consult/snapshot-assembler';
import type { Actor } from '../../shared/clinical/actor';
import type { InvocationContext } from './contract-session';

export interface VisitSnapshotHandlers {
  saveVisitSnapshot(input: MethodInput<'saveVisitSnapshot'>, context: InvocationContext): Promise<MethodOutput<'saveVisitSnapshot'>>;
}

export interface VisitSnapshotOptions {
  /** Files the PNG with the visit, under the person whose screen relayed it, and returns the attachment's id. */
  keep(png: Uint8Array, relayedBy: Actor): string;
  log?: (message: string) => void;
}

export function createVisitSnapshotHandlers(options: VisitSnapshotOptions): VisitSnapshotHandlers {
  const assembler = new SnapshotAssembler();
  // A clinician's page resends a snapshot whose answer it missed; it is kept once.
  const kept = new Map<string, string>();
  return {
    async saveVisitSnapshot(chunk, { actor }) {
      const result = assembler.add(chunk);
      if (result.kind === 'error') throw new Error(`The snapshot was not saved: ${result.message}`);
      if (result.kind === 'partial') return { complete: false, received: result.received, count: result.count };
      const { snapshot } = result;
      let attachmentId = kept.get(snapshot.snapshotId);
      if (attachmentId === undefined) {
        attachmentId = options.keep(snapshot.png, actor);
        kept.set(snapshot.snapshotId, attachmentId);
        options.log?.(`visit snapshot kept (${snapshot.width}×${snapshot.height}, ${snapshot.png.length} bytes)`);
      }
      return { complete: true, attachmentId, bytes: snapshot.png.length, width: snapshot.width, height: snapshot.height };
    },
  };
}
