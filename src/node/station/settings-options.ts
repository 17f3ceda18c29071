/**
 * What the station's settings decide about a station, as createStation takes it: the same for the
 * desktop app and web mode, so a setting cannot work in one and be forgotten in the other.
 */
import type { SettingsStorage } from '../settings/settings';
import type { StationSettings } from '../settings/schema';
import { kioskFromSettings } from './kiosk/kiosk-setting';
import { storedValue } from '../settings/stored-value';
import type { Metric } from '../../shared/vitals';
import type { StationOptions } from './station';

export function stationOptionsFromSettings(
  storage: SettingsStorage,
  settings: StationSettings,
  warn: (line: string) => void,
): Pick<StationOptions, 'retention' | 'fhir' | 'inactivityLockMs' | 'hardware' | 'pollIntervalMs' | 'kiosk' | 'locale' | 'displayUnits' | 'alwaysShowMetrics' | 'fhirServer' | 'hl7Output'> {
  return {
    retention: settings.retention,
    fhir: settings.records,
    inactivityLockMs: settings.access.inactivityLockMinutes * 60_000,
    hardware: settings.devices.hardware,
    pollIntervalMs: settings.devices.pollIntervalMs,
    kiosk: kioskFromSettings(storage, settings, warn),
    locale: settings.display.locale,
    displayUnits: { glucose: settings.devices.displayUnits.glucose },
    alwaysShowMetrics: storedValue<readonly Metric[]>(storage, settings.display.alwaysShowMetrics, (stored, next) => ({ ...stored, display: { ...stored.display, alwaysShowMetrics: [...next] } }), warn),
    fhirServer: settings.fhirServer,
    hl7Output: settings.hl7Output,
  };
}
