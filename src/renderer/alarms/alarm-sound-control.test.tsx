import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { AlarmSound } from './alarm-sound';
import { AlarmSoundControl } from './AlarmSoundControl';

const runningContext = () => ({ state: 'running', currentTime: 0, resume: () => Promise.resolve() }) as unknown as AudioContext;

describe('the alarm sound control', () => {
  it('asks staff to switch the sound on until it is on', () => {
    expect(renderToStaticMarkup(<AlarmSoundControl sound={new AlarmSound(runningContext)} />)).toContain('data-action="enable-alarm-sound"');
  });

  it('asks a kiosk patient nothing while the sound is off, and says it is on once their first touch started it', () => {
    const sound = new AlarmSound(runningContext);
    expect(renderToStaticMarkup(<AlarmSoundControl sound={sound} askToEnable={false} />)).toBe('');
    sound.enable();
    expect(renderToStaticMarkup(<AlarmSoundControl sound={sound} askToEnable={false} />)).toContain('Alarm sound on');
  });
});
