/** Entry point of `npm run start:web` (see web-station.ts). */
import { fileURLToPath } from 'node:url';
import { runWebStationProcess } from './web-station';

await runWebStationProcess({ projectRoot: fileURLToPath(new URL('../../..', import.meta.url)) });
