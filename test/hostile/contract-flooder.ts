/**
 * A client that floods a web station's contract socket and never reads, run as its own process by
 * contract-flood.test.ts so that its work does not slow the screen the test measures. Signs in with
 * the credentials given, prints `flooding`, then sends getSnapshot as fast as the station takes them
 * (reconnecting, unauthenticated, when the station closes the socket) until SIGTERM; then prints
 * its counts and exits.
 *
 *   node --import tsx test/hostile/contract-flooder.ts '{"url":…,"credentials":{…}}'
 */
import type { WebSocket } from 'ws';
import type { Credentials } from '../../src/shared/contract-access';
import { openRawSocket } from './web-station-harness';

/** What the flooder lets pile up in its own socket before it waits for the station to read. */
const BUFFER_BYTES = 256 * 1024;
/** Requests per 5 ms tick at most: 100,000 a second, more than a station reading everything gets through. */
const BATCH = 500;
const TICK_MS = 5;

const { url, credentials } = JSON.parse(process.argv[2] ?? '{}') as { url: string; credentials: Credentials };

function signedIn(socket: WebSocket): Promise<boolean> {
  socket.send(JSON.stringify({ type: 'invoke', id: 0, method: 'signIn', input: credentials }));
  return new Promise((resolve) => {
    socket.on('message', function onMessage(data) {
      const message = JSON.parse(String(data)) as { type: string; id?: number; ok: boolean; output?: { ok: boolean } };
      if (message.type !== 'result' || message.id !== 0) return;
      socket.off('message', onMessage);
      resolve(message.ok && message.output?.ok === true);
    });
  });
}

let socket = await openRawSocket({ url });
if (!(await signedIn(socket))) throw new Error('the flooder could not sign in');
let stopped = false;
process.once('SIGTERM', () => (stopped = true));
let sent = 0;
let reconnects = 0;
await new Promise<void>((done) => {
  const pump = () => {
    if (stopped) return done();
    if (socket.readyState === socket.CLOSED) {
      reconnects += 1;
      openRawSocket({ url }).then(
        (next) => {
          socket = next;
          socket.pause();
          setImmediate(pump);
        },
        () => setTimeout(pump, TICK_MS),
      );
      return;
    }
    for (let batch = 0; batch < BATCH && socket.readyState === socket.OPEN && socket.bufferedAmount < BUFFER_BYTES; batch++) {
      sent += 1;
      socket.send(JSON.stringify({ type: 'invoke', id: sent, method: 'getSnapshot', input: undefined }));
    }
    setTimeout(pump, TICK_MS);
  };
  socket.pause();
  console.log('flooding');
  pump();
});
socket.terminate();
console.log(JSON.stringify({ sent, reconnects }));
