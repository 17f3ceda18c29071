/**
 * One memory download, in the order the Omron PC software uses in every logged session
 * (device-protocols.md, "What the Omron software does"). The unit has only ever been observed in
 * that sequence, so the driver follows it rather than the shortest possible one, and a replay of a
 * vendor log exercises the driver the way the unit exercised the vendor software.
 */
import type { Observation } from '../../../shared/readings';
import {
  decodeStoredReading,
  profileCommand,
  readingCommand,
  readingCountCommand,
  readingCountFrom,
  serialCommand,
  versionCommand,
  weeklyAverageCommand,
  type StoredReading,
} from './commands';
import { DAILY_MODE, INFO_MODE, WEEKLY_MODE, type OmronLink } from './link';

/** The user memory the vendor software reads; banks 1 and 2 may be further users (unconfirmed). */
const MEMORY_BANK = 0;
const WEEKLY_SLOTS = 8;

/**
 * Hands over each stored reading whose check passed and whose content is possible, oldest first.
 * A reading the unit sent intact but with impossible content (say 30 February) is skipped.
 */
export async function downloadMemory(link: OmronLink, onReading: (reading: StoredReading) => void): Promise<void> {
  // Identification, twice over, as the vendor software does before touching the memory.
  for (let round = 0; round < 2; round += 1) {
    await link.selectMode(INFO_MODE);
    await link.request(versionCommand());
    await link.request(profileCommand());
    await link.request(serialCommand());
  }

  await link.selectMode(DAILY_MODE);
  await link.request(versionCommand());
  await link.request(profileCommand());
  await link.request(weeklyAverageCommand('morning', MEMORY_BANK, 0));
  const count = readingCountFrom(await link.request(readingCountCommand(MEMORY_BANK)));
  // Index 0 is the newest reading: counting down delivers them oldest first.
  for (let index = count - 1; index >= 0; index -= 1) {
    const decoded = decodeStoredReading(await link.request(readingCommand(MEMORY_BANK, index)));
    if (decoded.ok) onReading(decoded.reading);
  }
  await link.end();

  // Weekly averages are not readings and are not reported. They are fetched (and checked) only
  // because the vendor sequence does, so the conversation stays the one the unit is known to accept.
  await link.selectMode(WEEKLY_MODE);
  await link.request(versionCommand());
  for (let slot = WEEKLY_SLOTS - 1; slot >= 0; slot -= 1) {
    await link.request(weeklyAverageCommand('morning', MEMORY_BANK, slot));
    await link.request(weeklyAverageCommand('evening', MEMORY_BANK, slot));
  }
  await link.end();
}

/** The three observations of one stored reading, stamped with the unit's own clock and numbered as one measurement. */
export function observationsOf(reading: StoredReading, measurement: number): Observation[] {
  return [
    { type: 'observation', metric: 'systolic', value: reading.systolic, unit: 'mm[Hg]', time: reading.time, measurement },
    { type: 'observation', metric: 'diastolic', value: reading.diastolic, unit: 'mm[Hg]', time: reading.time, measurement },
    { type: 'observation', metric: 'pulseRate', value: reading.pulseRate, unit: '/min', time: reading.time, measurement },
  ];
}
