import { describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/clinical/actor';
import { AccessDeniedError } from './access/station-access';
import { fixedActorScreen } from './access/fixed-actor-screen';
import { HostedVisits, type RelayRefusal } from './hosted-visits';

const NURSE: Actor = { id: 'n1', name: 'Nurse Ada', role: 'nurse' };

function bench() {
  const refusals: RelayRefusal[] = [];
  const connected = new Set<string>();
  const hosted = new HostedVisits({ clinicianConnected: async (visitId) => connected.has(visitId), onRefused: (refusal) => refusals.push(refusal) });
  const screen = fixedActorScreen(NURSE);
  const relay = (visitId: string, at = screen) => hosted.relayFor(visitId, at, NURSE, 'alarm.acknowledge');
  return { hosted, screen, connected, refusals, relay };
}

describe('relaying for the remote clinician', () => {
  it('is accepted only for the screen’s own visit, after admission, while the clinician is connected', async () => {
    const { hosted, screen, connected, refusals, relay } = bench();
    await expect(relay('made-up')).rejects.toThrow(AccessDeniedError);
    hosted.started('v1', screen);
    connected.add('v1');
    await expect(relay('v1')).rejects.toThrow(/not been admitted/);
    expect(hosted.admit('v1', fixedActorScreen(NURSE))).toBe(false);
    await expect(relay('v1')).rejects.toThrow(/not been admitted/);
    expect(hosted.admit('v1', screen)).toBe(true);
    await expect(relay('v1', fixedActorScreen(NURSE))).rejects.toThrow(/another screen/);
    await expect(relay('v1')).resolves.toMatchObject({ admitted: true });
    connected.delete('v1');
    await expect(relay('v1')).rejects.toThrow(/not connected/);
    connected.add('v1');
    expect(hosted.ended('v1')).toBe(true);
    await expect(relay('v1')).rejects.toThrow(/no visit with this id/);
    expect(refusals.map(({ visitId, reason }) => [visitId, reason])).toEqual([
      [null, 'no visit with this id is open at this station'],
      ['v1', 'the clinician has not been admitted'],
      ['v1', 'the clinician has not been admitted'],
      ['v1', 'the visit was started at another screen'],
      ['v1', 'the clinician is not connected to the visit'],
      [null, 'no visit with this id is open at this station'],
    ]);
    expect(refusals.every((refusal) => refusal.actor === NURSE && refusal.act === 'alarm.acknowledge')).toBe(true);
  });

  it('is refused when the consultation server cannot be asked', async () => {
    const refusals: RelayRefusal[] = [];
    const hosted = new HostedVisits({ clinicianConnected: () => Promise.reject(new Error('unreachable')), onRefused: (refusal) => refusals.push(refusal) });
    const screen = fixedActorScreen(NURSE);
    hosted.started('v1', screen);
    hosted.admit('v1', screen);
    await expect(hosted.relayFor('v1', screen, NURSE, 'attachment.capture')).rejects.toThrow(/not connected/);
    expect(refusals).toHaveLength(1);
  });
});
