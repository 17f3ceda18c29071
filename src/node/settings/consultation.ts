/**
 * Which consultation server a start command uses and how its media may travel: the command-line
 * flags win over the settings, the settings over the built-in defaults (embedded server, direct
 * paths allowed).
 */
import type { IceSettings } from '../consult/turn-credentials';
import type { StationSettings } from './schema';
import { SettingsError } from './settings';

export interface ConsultationChoice {
  /** An external server; undefined runs the embedded one. */
  serverUrl: string | undefined;
  /** ICE settings of the embedded server (an external server decides its own). */
  embeddedIce: IceSettings;
}

export function chooseConsultation(
  flags: { consultServer?: string; relayOnly?: boolean },
  settings: StationSettings,
  env: NodeJS.ProcessEnv,
  warn: (line: string) => void,
): ConsultationChoice {
  const serverUrl = flags.consultServer ?? settings.consultation.serverUrl ?? undefined;
  const relayOnly = flags.relayOnly ?? settings.consultation.relayOnly;
  const { stunUrls, turnUrls } = settings.consultation;
  const secret = env.VITALBRIDGE_TURN_SECRET;
  if (serverUrl !== undefined) {
    if (relayOnly) warn('settings: relay-only is decided by the external consultation server; set it there (start:server --relay-only)');
    return { serverUrl, embeddedIce: {} };
  }
  const turn = turnUrls.length > 0 && secret ? { urls: turnUrls, secret } : undefined;
  if (relayOnly && !turn) {
    throw new SettingsError('relay-only needs a TURN server: set consultation.turnUrls in the settings and the secret in VITALBRIDGE_TURN_SECRET, or turn relay-only off');
  }
  if (turnUrls.length > 0 && !secret) warn('settings: TURN URLs are set but VITALBRIDGE_TURN_SECRET is not; the embedded server offers STUN only');
  return { serverUrl: undefined, embeddedIce: { stunUrls, turn, relayOnly } };
}
