/** Entry point of `npm run start:web` (see web-station.ts), with the consultation server embedded. */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConsultServer } from '../consult/server';
import { CLINICIAN_PAGE_PATH } from '../station/consult-seam';
import { runWebStationProcess } from './web-station';

const projectRoot = fileURLToPath(new URL('../../..', import.meta.url));

void runWebStationProcess({
  projectRoot,
  // The clinician page is part of the same renderer build the station screen uses.
  startConsultServer: ({ ice }) =>
    createConsultServer({
      ice,
      staticDir: join(projectRoot, 'out', 'renderer'),
      clinicianPath: CLINICIAN_PAGE_PATH,
      onLog: (line) => process.stderr.write(`[consult] ${line}\n`),
    }),
});
