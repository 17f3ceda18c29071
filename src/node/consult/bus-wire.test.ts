import { describe, expect, it } from 'vitest';
import { MAX_RELAYED_MESSAGE_CHARS } from '../../shared/consult/protocol';
import { decodeBusEvent, encodeBusEvent } from './redis-visit-store';
import { BusEventSchema, type BusEvent } from './visit-bus';

const received = (wire: string) => BusEventSchema.safeParse(decodeBusEvent(wire));

describe('bus events on the Redis wire', () => {
  it('carries every kind of event unchanged, a relayed text byte for byte', () => {
    const events: BusEvent[] = [
      { kind: 'deliver', to: 'clinician', message: { type: 'peer', event: 'left', admitted: true } },
      { kind: 'seated', role: 'station', holder: 'i1/abc' },
      { kind: 'ended', reason: 'expired' },
      { kind: 'relay', to: 'station', text: JSON.stringify({ type: 'signal', data: { type: 'offer', sdp: 'v=0\r\n"quoted" \\ relay clinician\n{' } }) },
      { kind: 'relay', to: 'clinician', text: JSON.stringify({ type: 'app', payload: { kind: 'vitals', seq: 1 } }) },
    ];
    for (const event of events) expect(received(encodeBusEvent(event))).toEqual({ success: true, data: event });
  });

  it('sends a relayed text as it is, not escaped into JSON again', () => {
    const text = JSON.stringify({ type: 'signal', data: { type: 'offer', sdp: '"'.repeat(1000) } });
    expect(encodeBusEvent({ kind: 'relay', to: 'station', text })).toBe(`relay station\n${text}`);
  });

  it('refuses relays that are not a signal or app message, go to no role, are too long or are cut short', () => {
    const refused = [
      'relay station\n{"type":"ended","reason":"expired"}',
      'relay station\n{"type":"peer","event":"left","admitted":false}',
      'relay station\n {"type":"app","payload":1}',
      'relay nobody\n{"type":"app","payload":1}',
      'relay station{"type":"app","payload":1}',
      'relay station',
      `relay station\n{"type":"app","payload":"${'x'.repeat(MAX_RELAYED_MESSAGE_CHARS)}"}`,
      `{"kind":"relay","to":"station","text":"{\\"type\\":\\"app\\",\\"payload\\":\\"${'x'.repeat(MAX_RELAYED_MESSAGE_CHARS)}\\"}"}`,
      'not json',
      `${'['.repeat(5000)}${']'.repeat(5000)}`,
    ];
    for (const wire of refused) expect(received(wire).success, wire.slice(0, 60)).toBe(false);
  });
});
