/**
 * Issue 13 item 14: untrusted values reached the station's log unescaped, so a training scenario
 * name with a newline wrote a line of its own that read like one the station wrote
 * ("[station] ..."). A signed-in nurse at a real web-mode station sends such names; the station's
 * stderr must hold them only JSON-encoded, inside the line that reports them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startWebStation, type WebStation } from '../../e2e/web/web-station';
import { WEB_SOCKET_PATH, type ServerMessage } from '../../src/shared/contract';

const FORGED = '[station] records: retention pruned 438 reading(s)';

describe('log lines of a web-mode station', () => {
  let station: WebStation;
  let screen: WebSocket;
  let invoke: (method: string, input?: unknown) => Promise<ServerMessage>;

  beforeAll(async () => {
    station = await startWebStation();
    const url = new URL(station.url);
    screen = new WebSocket(`ws://${url.host}${WEB_SOCKET_PATH}?token=${url.searchParams.get('token')}`, { origin: url.origin });
    const pending = new Map<number, (message: ServerMessage) => void>();
    screen.on('message', (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      if (message.type === 'result' && message.id !== null) pending.get(message.id)?.(message);
    });
    await new Promise((resolve, reject) => screen.once('open', resolve).once('error', reject));
    let nextId = 1;
    invoke = (method, input) =>
      new Promise((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        screen.send(JSON.stringify({ type: 'invoke', id, method, input }));
      });
    const nurse = await station.accounts.create('nurse');
    expect(await invoke('signIn', { username: nurse.username, password: nurse.password, totp: nurse.freshCode() })).toMatchObject({ ok: true, output: { ok: true } });
  }, 180_000);

  afterAll(async () => {
    screen?.terminate();
    await station?.stop();
  });

  it.each([
    ['a newline', `desaturation\n${FORGED}`],
    ['a carriage return', `desaturation\r${FORGED}`],
    ['a line separator', `desaturation\u2028${FORGED}`],
  ])('a scenario name with %s cannot start a forged [station] line', async (_what, name) => {
    const before = station.stderr().length;
    const result = await invoke('playScenario', { name });
    expect(result).toMatchObject({ ok: false, error: { code: 'failed', message: expect.stringContaining('Unknown scenario') } });
    // The refusal is logged (its line ends before the next log line is written); wait for it.
    await expect.poll(() => station.stderr().slice(before), { timeout: 10_000 }).toContain('playScenario failed');
    const logged = station.stderr().slice(before);
    expect(logged.split(/\r\n|\r|\n|\u2028|\u2029|\u0085/).filter((line) => line.startsWith('[station]'))).toEqual([]);
    // The name is still there, escaped, inside the line that reports the refusal.
    const report = logged.split('\n').find((line) => line.includes('playScenario failed'));
    expect(report).toMatch(/Unknown scenario .*desaturation\\+(n|r|u2028)\[station\] records: retention pruned/);
  });
});
