/** What each call phase means to the person at each end, in words for a patient or a clinician. */
import type { CallState } from '../consult/call';
import type { Role } from '../../shared/consult/protocol';

const END_TEXT = {
  'ended-by-station': 'The station ended the visit.',
  'ended-by-clinician': 'The clinician ended the visit.',
  expired: 'The visit has expired.',
} as const;

/** The visit is over for this side (ended, or this participant refused): nothing of it may stay on. */
export function callIsOver(state: CallState | null): boolean {
  return state?.phase === 'ended' || state?.phase === 'refused';
}

export function callStatusText(state: CallState | null, role: Role): string {
  if (!state) return 'Starting…';
  switch (state.phase) {
    case 'joining':
      return 'Connecting to the consultation server…';
    case 'waiting-for-peer':
      return role === 'station' ? 'Waiting for the clinician to open the link…' : 'Waiting for the station to connect…';
    case 'lobby':
      return role === 'station' ? 'The clinician is waiting to join.' : 'You are in the waiting room. The station will let you in shortly.';
    case 'connecting':
      return 'Connecting the video…';
    case 'connected':
      return 'In the visit';
    case 'reconnecting':
      return 'Reconnecting…';
    case 'ended':
      return state.endReason ? END_TEXT[state.endReason] : 'The visit has ended.';
    case 'refused':
      return state.refusal?.message ?? 'The consultation server refused this connection.';
  }
}
