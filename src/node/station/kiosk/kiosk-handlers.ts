/** The contract handlers of the kiosk methods (contract-kiosk.ts); the controller does the work. */
import type { kioskMethods } from '../../../shared/contract-kiosk';
import { AccessDeniedError } from '../access/station-access';
import type { StationHandlers } from '../contract-session';
import type { KioskController } from './kiosk-controller';

export type KioskHandlers = Pick<StationHandlers, keyof typeof kioskMethods>;

export function createKioskHandlers(kiosk: KioskController): KioskHandlers {
  return {
    enableKiosk: async (_input, { actor, screen }) => {
      await kiosk.enable(actor);
      return screen.state();
    },
    startKioskVisit: (_input, { screen }) => kiosk.startVisit(screen),
    finishKioskVisit: async (_input, { screen }) => {
      if (!kiosk.state().visitOpen) throw new AccessDeniedError('No kiosk visit is under way');
      await kiosk.finishVisit();
      return screen.state();
    },
    leaveKiosk: (credentials, { screen }) => kiosk.leave(credentials, screen),
  };
}
