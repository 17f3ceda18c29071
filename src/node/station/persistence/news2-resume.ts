/**
 * A resumed encounter's NEWS2 as the records hold it, turned back into what the NEWS2 service
 * keeps: the newest charted entry of each kind with who entered it and its original time (so the
 * freshness rules of news2-from-station.ts judge it as they did before the restart), and the trend
 * of stored scores. A row that no longer reads as a valid entry is left out, never guessed.
 */
import { ROLES, type Actor, type Role } from '../../../shared/clinical/actor';
import type { ManualNews2Entries } from '../../../shared/clinical/news2-from-station';
import { News2ObservationSchema, News2TrendPointSchema, MAX_NEWS2_TREND_POINTS, type News2TrendPoint } from '../../../shared/contract-clinical';
import type { UserDirectory } from '../../identity/users';
import type { StoredNews2Charted, StoredNews2Score } from '../../records/store';
import { remoteClinicianActor } from '../clinical/clinical-station';
import type { Encounter } from './encounter';

export interface SavedNews2 {
  manual: ManualNews2Entries;
  trend: News2TrendPoint[];
}

/** Who charted an entry, from the user id and role stored with it. */
export type ChartedByLookup = (id: string, role: Role) => Actor;

const REMOTE_CLINICIAN_PREFIX = 'remote-clinician:';

/** Station users by their account's name as they were shown when signed in; a removed account is said to be one. */
export function chartedByStationUser(users: Pick<UserDirectory, 'get'>): ChartedByLookup {
  return (id, role) => {
    if (id.startsWith(REMOTE_CLINICIAN_PREFIX)) return remoteClinicianActor(id.slice(REMOTE_CLINICIAN_PREFIX.length));
    return { id, role, name: users.get(id)?.username ?? 'a user since removed' };
  };
}

export function savedNews2(
  record: { charted: readonly StoredNews2Charted[]; scores: readonly StoredNews2Score[] },
  encounter: Encounter,
  chartedBy: ChartedByLookup,
): SavedNews2 {
  const manual: ManualNews2Entries = {};
  // Oldest first: a later entry of the same kind replaces the earlier one, as it did on screen.
  for (const row of record.charted) {
    if (row.visitId !== encounter.visitId) continue;
    const role = ROLES.find((known) => known === row.enteredRole);
    const parsed = News2ObservationSchema.safeParse({ [row.kind]: row.value });
    if (!role || !parsed.success) continue;
    Object.assign(manual, { [row.kind]: { value: parsed.data[row.kind], enteredBy: chartedBy(row.enteredBy, role), enteredAt: row.enteredAt } });
  }
  const trend = record.scores
    .filter((score) => score.visitId === encounter.visitId)
    .flatMap((score) => {
      const point = News2TrendPointSchema.safeParse({ at: score.scoredAt, total: score.total, risk: score.risk });
      return point.success ? [point.data] : [];
    })
    .slice(-MAX_NEWS2_TREND_POINTS);
  return { manual, trend };
}
