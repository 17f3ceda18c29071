/**
 * The video visits this station hosts, each bound to the screen that started it, and the one check
 * for everything a screen does on the remote clinician's behalf: acknowledging an alarm as them,
 * filing the snapshot they took, saving and signing their visit note. Such a relay is accepted
 * only for a visit this screen started, in which it admitted the clinician, while the consultation server has that clinician connected;
 * anything else (a made-up visit id, another screen's visit, the lobby, a clinician who left) is
 * refused as forbidden and reported for the audit trail. What a visit relayed is forgotten when
 * the visit ends.
 */
import type { Actor } from '../../shared/clinical/actor';
import { AccessDeniedError, type ScreenAccess } from './access/station-access';

/** What a screen does for the remote clinician, named by the action it stands for. */
export type RelayedAct = 'alarm.acknowledge' | 'attachment.capture' | 'note.write' | 'measurement.request';

export interface RelayRefusal {
  /** The person at the screen that tried to relay. */
  actor: Actor;
  act: RelayedAct;
  /** The visit, when it is one this station hosts (a made-up id is not repeated). */
  visitId: string | null;
  reason: string;
}

/** One hosted visit; `snapshots` maps a relayed snapshot's id to the attachment it was filed as. */
export interface HostedVisit {
  readonly screen: ScreenAccess;
  admitted: boolean;
  readonly snapshots: Map<string, string>;
}

export interface HostedVisitsOptions {
  /** Whether the consultation server has this visit's admitted clinician connected now. */
  clinicianConnected(visitId: string): Promise<boolean>;
  onRefused(refusal: RelayRefusal): void;
  /** A visit started or ended (the patient banner says whether one is running). */
  onChange?: () => void;
}

export class HostedVisits {
  readonly #visits = new Map<string, HostedVisit>();
  readonly #options: HostedVisitsOptions;

  constructor(options: HostedVisitsOptions) {
    this.#options = options;
  }

  started(visitId: string, screen: ScreenAccess): void {
    this.#visits.set(visitId, { screen, admitted: false, snapshots: new Map() });
    this.#options.onChange?.();
  }

  /** Whether a video visit is running at this station. */
  hosting(): boolean {
    return this.#visits.size > 0;
  }

  /** The screen that started the visit lets its clinician in; false for any other screen or visit. */
  admit(visitId: string, screen: ScreenAccess): boolean {
    const visit = this.#visits.get(visitId);
    if (visit?.screen !== screen) return false;
    visit.admitted = true;
    return true;
  }

  /** The visit is over: its relays stop and its bookkeeping goes; false if it was not hosted here. */
  ended(visitId: string): boolean {
    const ended = this.#visits.delete(visitId);
    if (ended) this.#options.onChange?.();
    return ended;
  }

  /**
   * The visit, if `screen` may relay for its clinician by what this station knows (started here,
   * admitted); throws AccessDeniedError (reported) otherwise. Cheap: for every chunk of a relay.
   */
  hostedBy(visitId: string, screen: ScreenAccess, actor: Actor, act: RelayedAct): HostedVisit {
    const visit = this.#visits.get(visitId);
    if (!visit) return this.#refuse({ actor, act, visitId: null, reason: 'no visit with this id is open at this station' });
    if (visit.screen !== screen) return this.#refuse({ actor, act, visitId, reason: 'the visit was started at another screen' });
    if (!visit.admitted) return this.#refuse({ actor, act, visitId, reason: 'the clinician has not been admitted' });
    return visit;
  }

  /** As hostedBy, and the consultation server confirms the admitted clinician is connected now. */
  async relayFor(visitId: string, screen: ScreenAccess, actor: Actor, act: RelayedAct): Promise<HostedVisit> {
    this.hostedBy(visitId, screen, actor, act);
    if (!(await this.#options.clinicianConnected(visitId).catch(() => false))) {
      return this.#refuse({ actor, act, visitId, reason: 'the clinician is not connected to the visit' });
    }
    // The visit may have ended while the server was asked.
    return this.hostedBy(visitId, screen, actor, act);
  }

  #refuse(refusal: RelayRefusal): never {
    this.#options.onRefused(refusal);
    throw new AccessDeniedError(`Not relayed for the remote clinician: ${refusal.reason}`);
  }
}
