/**
 * The administrator's monitor settings: which parameters the monitor always shows. A change is
 * stored in settings.json first (nothing changes when that fails), audited as settings.change
 * without the values, and announced to every screen.
 */
import type { MonitorSettings } from '../../shared/contract-monitor-settings';
import type { Metric } from '../../shared/vitals';
import type { AuditLog } from '../audit/audit-log';
import type { StoredValue } from '../settings/stored-value';
import type { StationHandlers } from './contract-session';

export interface MonitorSettingsOptions {
  setting: StoredValue<readonly Metric[]>;
  audit: Pick<AuditLog, 'append'>;
  announce(settings: MonitorSettings): void;
}

export function createMonitorSettingsHandlers(options: MonitorSettingsOptions): Pick<StationHandlers, 'getMonitorSettings' | 'setMonitorSettings'> {
  const current = (): MonitorSettings => ({ alwaysShow: [...options.setting.value] });
  return {
    getMonitorSettings: () => current(),
    setMonitorSettings: ({ alwaysShow }, { actor }) => {
      options.setting.set(alwaysShow);
      options.audit.append({ actor: actor.id, role: actor.role, action: 'settings.change', object: 'display.alwaysShowMetrics' });
      options.announce(current());
      return current();
    },
  };
}
