/**
 * Which kiosk screen shows. A visit shows while this page holds the patient's unlocked kiosk
 * session; once this page has shown a visit, anything else (finished here, ended by the core after
 * disuse, the connection lost, locked) means clearing the page, never going back to a screen that
 * could still hold the patient's values.
 */
import type { AccessState } from '../../shared/contract-access';

export type KioskScreen = 'welcome' | 'visit' | 'clearing';

export interface KioskPageHistory {
  /** This page has shown a visit. */
  sawVisit: boolean;
  /** The patient pressed Finish and the core confirmed it. */
  finished: boolean;
}

export function kioskScreenFor(state: AccessState | null, history: KioskPageHistory): KioskScreen {
  if (history.finished) return 'clearing';
  const user = state?.user;
  if (user?.role === 'kiosk' && !user.locked) return 'visit';
  return history.sawVisit ? 'clearing' : 'welcome';
}
