/** Entry point of `npm run start:server` (see start-server.ts). */
import { fileURLToPath } from 'node:url';
import { runConsultServerProcess } from './start-server';

await runConsultServerProcess(fileURLToPath(new URL('../../..', import.meta.url)));
