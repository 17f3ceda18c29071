import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MonitorSettings } from '../../shared/contract-monitor-settings';
import type { Metric } from '../../shared/vitals';
import { tempDataDir } from '../records/test-support';
import { confSettingsStorage } from '../settings/json-storage';
import { loadSettings } from '../settings/settings';
import { storedValue, type StoredValue } from '../settings/stored-value';
import { auditHead, openAccessBench, type AccessBench } from './access/access-test-support';
import type { ScreenAccess } from './access/station-access';
import { invokeContract, type ContractHandlers } from './contract-session';
import { createMonitorSettingsHandlers } from './monitor-settings';
import { standInHandlers } from './stand-in-handlers';

let bench: AccessBench;
let dataDir: string;
let setting: StoredValue<readonly Metric[]>;
let announced: MonitorSettings[];
let handlers: ContractHandlers;

const stored = () => loadSettings(confSettingsStorage(dataDir), () => undefined).display.alwaysShowMetrics;

beforeEach(async () => {
  bench = await openAccessBench();
  dataDir = tempDataDir();
  const storage = confSettingsStorage(dataDir);
  setting = storedValue<readonly Metric[]>(storage, [], (settings, next) => ({ ...settings, display: { ...settings.display, alwaysShowMetrics: [...next] } }), () => undefined);
  announced = [];
  handlers = standInHandlers(createMonitorSettingsHandlers({ setting, audit: bench.station.audit, announce: (settings) => announced.push(settings) }));
});
afterEach(() => bench.close());

async function administrator(): Promise<ScreenAccess> {
  const screen = bench.screen().access;
  const outcome = await screen.signIn((await bench.account('administrator')).credentials());
  if (!outcome.ok) throw new Error(outcome.reason);
  return screen;
}

describe('the monitor settings', () => {
  it('an administrator’s change is stored in settings.json, audited without the values and announced to every screen', async () => {
    const screen = await administrator();
    const from = auditHead(bench);
    const result = await invokeContract(handlers, screen, 'setMonitorSettings', { alwaysShow: ['respiratoryRate', 'glucose'] });
    expect(result).toEqual({ ok: true, output: { alwaysShow: ['respiratoryRate', 'glucose'] } });
    expect(stored()).toEqual(['respiratoryRate', 'glucose']);
    expect(announced).toEqual([{ alwaysShow: ['respiratoryRate', 'glucose'] }]);
    expect(bench.auditSince(from).map(({ actor, role, action, object }) => ({ actor, role, action, object }))).toEqual([
      { actor: screen.state().user?.userId, role: 'administrator', action: 'settings.change', object: 'display.alwaysShowMetrics' },
    ]);
    expect(await invokeContract(handlers, screen, 'getMonitorSettings', undefined)).toEqual({ ok: true, output: { alwaysShow: ['respiratoryRate', 'glucose'] } });
  });

  it.each([[{ alwaysShow: ['heartbeat'] }], [{ alwaysShow: ['glucose', 'glucose'] }], [{ alwaysShow: [], extra: 1 }]])('refuses %j as a bad request, changing nothing', async (input) => {
    const screen = await administrator();
    expect(await invokeContract(handlers, screen, 'setMonitorSettings', input)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(stored()).toEqual([]);
    expect(announced).toEqual([]);
  });

  it('a nurse may neither read nor change them', async () => {
    const nurse = bench.screen().access;
    await nurse.signIn((await bench.account('nurse')).credentials());
    for (const [method, input] of [['getMonitorSettings', undefined], ['setMonitorSettings', { alwaysShow: ['glucose'] }]] as const) {
      expect(await invokeContract(handlers, nurse, method, input)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(announced).toEqual([]);
  });
});
