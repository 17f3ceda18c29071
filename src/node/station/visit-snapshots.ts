/**
 * saveVisitSnapshot: stills of the patient video a clinician took during a visit, reassembled from
 * their chunks, checked to be a PNG, and written owner-only under <data dir>/visit-snapshots/.
 *
 * NOTE: plain files for now. They belong in the station's encrypted records next to the visit;
 * when the records store gains attachments, this handler writes there instead and these files go.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MethodInput, MethodOutput } from '../../shared/contract';
import { SnapshotAssembler } from '../../shared/consult/snapshot-assembler';

export const VISIT_SNAPSHOT_DIR = 'visit-snapshots';

export interface VisitSnapshotHandlers {
  saveVisitSnapshot(input: MethodInput<'saveVisitSnapshot'>): Promise<MethodOutput<'saveVisitSnapshot'>>;
}

export function createVisitSnapshotHandlers(options: { dataDir: string; log?: (message: string) => void }): VisitSnapshotHandlers {
  const assembler = new SnapshotAssembler();
  const directory = join(options.dataDir, VISIT_SNAPSHOT_DIR);
  return {
    async saveVisitSnapshot(chunk) {
      const result = assembler.add(chunk);
      if (result.kind === 'error') throw new Error(`The snapshot was not saved: ${result.message}`);
      if (result.kind === 'partial') return { complete: false, received: result.received, count: result.count };
      const { snapshot } = result;
      await mkdir(directory, { recursive: true, mode: 0o700 });
      // The id comes from the clinician's page: only its safe characters reach the file name.
      const fileName = `${new Date(snapshot.takenAt).toISOString().replace(/[:.]/g, '-')}-${snapshot.snapshotId.replace(/[^A-Za-z0-9_-]/g, '_')}.png`;
      // 'wx': a resent snapshot never overwrites one already kept.
      await writeFile(join(directory, fileName), snapshot.png, { mode: 0o600, flag: 'wx' }).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      });
      options.log?.(`visit snapshot saved (${snapshot.width}×${snapshot.height}, ${snapshot.png.length} bytes)`);
      return { complete: true, fileName: `${VISIT_SNAPSHOT_DIR}/${fileName}`, bytes: snapshot.png.length, width: snapshot.width, height: snapshot.height };
    },
  };
}
