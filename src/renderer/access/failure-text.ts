/** How a failed invoke reads on screen, and whether it was the core refusing this session. */
import { StationCallError } from '../../shared/contract';

/** The failure's own words, without a closing full stop: the screen's sentence goes on around them. */
export function failureText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
}

/**
 * The core refused because of this screen's session (signed out, locked meanwhile, a role without
 * the right). Not a fault to show as one: the `access` event brings the new state anyway.
 */
export function isForbidden(error: unknown): boolean {
  return error instanceof StationCallError && error.code === 'forbidden';
}
