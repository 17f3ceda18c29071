/**
 * Issue 13, item 3: a sign-in spray must not lock real users out. One socket sprays sign-ins with
 * fresh user names (each would cost a full-cost scrypt against the decoy hash) for as long as a
 * nurse signs in at another screen; the nurse gets in within 2 s.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { openRawSocket, openScreen, screenConnected, signInAt, startWebStation, type WebStation } from './web-station-harness';

const LEGITIMATE_SIGN_IN_MS = 2_000;
/** Unanswered attempts the sprayer keeps queued at the station's door. */
const SPRAY_IN_FLIGHT = 500;

let station: WebStation;

beforeAll(async () => {
  station = await startWebStation();
}, 180_000);

afterAll(async () => {
  await station?.stop();
}, 30_000);

/** Sends sign-ins with fresh user names, keeping `SPRAY_IN_FLIGHT` unanswered, until stopped. */
function spray(socket: WebSocket) {
  let sent = 0;
  let answered = 0;
  let stopped = false;
  let firstAnswer: () => void;
  const answeredOnce = new Promise<void>((resolve) => (firstAnswer = resolve));
  const topUp = () => {
    while (!stopped && sent - answered < SPRAY_IN_FLIGHT && socket.readyState === socket.OPEN) {
      sent += 1;
      socket.send(JSON.stringify({ type: 'invoke', id: sent, method: 'signIn', input: { username: `spray-${sent}`, password: 'not-the-password', totp: '123456' } }));
    }
  };
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { type: string };
    if (message.type !== 'result') return;
    answered += 1;
    firstAnswer();
    topUp();
  });
  topUp();
  return {
    answeredOnce,
    counts: () => ({ sent, answered }),
    stop: () => (stopped = true),
  };
}

it('a nurse signs in within 2 s while another socket sprays sign-ins with fresh user names', async () => {
  const nurse = await station.accounts.create('nurse');
  const screen = openScreen(station, { invokeTimeoutMs: 300_000 });
  const sprayer = await openRawSocket(station);
  try {
    await screenConnected(screen);
    const attack = spray(sprayer);
    await attack.answeredOnce;
    const started = performance.now();
    const outcome = await signInAt(screen, nurse);
    const elapsed = performance.now() - started;
    attack.stop();
    console.info(`legitimate sign-in during the spray: ${elapsed.toFixed(0)} ms (spray ${JSON.stringify(attack.counts())})`);
    expect(outcome.ok).toBe(true);
    expect(elapsed).toBeLessThan(LEGITIMATE_SIGN_IN_MS);
  } finally {
    sprayer.terminate();
    screen.close();
  }
}, 360_000);
