/**
 * The monitor's station settings in the contract: which parameters it shows even when nothing
 * measures them (settings `display.alwaysShowMetrics`). Administrators read and change them; every
 * screen hears of a change (`monitorSettings`), since they name no patient. contract.ts spreads
 * these in; method-access.ts says who may call them.
 */
import { z } from 'zod';
import { METRICS } from './vitals';

export const MonitorSettingsSchema = z.strictObject({
  alwaysShow: z
    .array(z.enum(METRICS))
    .max(METRICS.length)
    .refine((metrics) => new Set(metrics).size === metrics.length, 'must not name a parameter twice'),
});
export type MonitorSettings = z.infer<typeof MonitorSettingsSchema>;

export const monitorSettingsMethods = {
  getMonitorSettings: { input: z.undefined(), output: MonitorSettingsSchema },
  /** Stored in settings.json and sent to every screen; audited as settings.change. */
  setMonitorSettings: { input: MonitorSettingsSchema, output: MonitorSettingsSchema },
} as const;

export const monitorSettingsEvents = {
  monitorSettings: MonitorSettingsSchema,
} as const;
