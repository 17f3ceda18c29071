import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AlarmSound } from './alarm-sound';

/**
 * An audio context as Chromium treats it: resume() only starts it when called during a user
 * activation, which a touch's pointerdown is not and its pointerup is.
 */
class ActivationGatedContext {
  state: AudioContextState = 'suspended';
  currentTime = 0;
  activation = false;
  resumes = 0;
  resume(): Promise<void> {
    this.resumes += 1;
    if (this.activation) this.state = 'running';
    return Promise.resolve();
  }
}

function touch(target: EventTarget, context: ActivationGatedContext): void {
  context.activation = false;
  target.dispatchEvent(new Event('pointerdown'));
  context.activation = true;
  target.dispatchEvent(new Event('pointerup'));
  context.activation = false;
}

describe('the alarm sound on a touch screen', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('starts on the first touch, whose pointerup carries the activation its pointerdown lacks', () => {
    const context = new ActivationGatedContext();
    const sound = new AlarmSound(() => context as unknown as AudioContext);
    const screen = new EventTarget();
    sound.enableOnFirstGesture(screen);
    touch(screen, context);
    expect(context.state).toBe('running');
    expect(sound.isEnabled()).toBe(true);
  });

  it('stops listening once the sound runs', () => {
    const context = new ActivationGatedContext();
    const sound = new AlarmSound(() => context as unknown as AudioContext);
    const screen = new EventTarget();
    sound.enableOnFirstGesture(screen);
    touch(screen, context);
    const resumes = context.resumes;
    touch(screen, context);
    expect(context.resumes).toBe(resumes);
  });
});
