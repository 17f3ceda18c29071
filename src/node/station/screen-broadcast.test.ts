import { describe, expect, it } from 'vitest';
import { ScreenBroadcast } from './screen-broadcast';

describe('ScreenBroadcast', () => {
  it('sends to every open subscription, not to a closed one, and drops a screen whose sink throws, reporting it', () => {
    const reported: unknown[] = [];
    const broadcast = new ScreenBroadcast((error) => reported.push(error));
    const received: string[] = [];
    const closed = broadcast.subscribe({ send: () => received.push('closed') });
    broadcast.subscribe({
      send: () => {
        throw new Error('socket gone');
      },
    });
    broadcast.subscribe({ send: (event, payload) => received.push(`${event} ${JSON.stringify(payload)}`) });
    closed.close();
    broadcast.send('patientChanged', {});
    broadcast.send('monitorSettings', { alwaysShow: ['glucose'] });
    expect(received).toEqual(['patientChanged {}', 'monitorSettings {"alwaysShow":["glucose"]}']);
    expect(reported).toHaveLength(1);
  });
});
