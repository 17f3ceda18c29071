/**
 * Screens of a whole station for integration tests: each calls the contract as a transport would
 * (invokeContract with its own session), signed in or not.
 */
import type { MethodInput, MethodOutput, StationMethodName } from '../src/shared/contract';
import type { StationRole } from '../src/shared/roles';
import { totpCode } from '../src/node/identity/totp';
import { invokeContract } from '../src/node/station/contract-session';
import type { Station } from '../src/node/station/station';

export type StationScreen = ReturnType<typeof screenOf>;

/** A connected screen of the station, calling the contract as a transport would. */
export function screenOf(station: Station) {
  const access = station.openScreen(() => undefined);
  return {
    access,
    async call<M extends StationMethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      const result = await invokeContract(station.handlers, access, method, input);
      if (!result.ok) throw new Error(`${method}: ${result.error.code}: ${result.error.message}`);
      return result.output as MethodOutput<M>;
    },
    /** 'accepted', or the error code the station answered. */
    async refusal(method: StationMethodName, input?: unknown): Promise<string> {
      const result = await invokeContract(station.handlers, access, method, input);
      return result.ok ? 'accepted' : result.error.code;
    },
  };
}

/** A screen signed in with a new account of `role`. */
export async function signedIn(station: Station, role: StationRole): Promise<StationScreen & { userId: string }> {
  const username = `${role}-${Math.random().toString(36).slice(2, 8)}`;
  const { user } = await station.records.users.create({ username, role, password: 'correct horse battery' });
  const screen = screenOf(station);
  const outcome = await screen.call('signIn', { username, password: 'correct horse battery', totp: totpCode(user.totpSecret!, Date.now()) });
  if (!outcome.ok) throw new Error(`sign-in refused: ${outcome.reason}`);
  return { ...screen, userId: user.id };
}
