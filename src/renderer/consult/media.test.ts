import { describe, expect, it } from 'vitest';
import { describeMediaError, listMediaDevices, mediaConstraints, openLocalMedia } from './media';

const domError = (name: string) => Object.assign(new Error(name), { name });

describe('camera and microphone', () => {
  it('tells people what to do for a denied permission, a missing device and a busy camera', () => {
    expect(describeMediaError(domError('NotAllowedError'))).toMatchObject({ kind: 'denied', action: expect.stringMatching(/Allow the camera and microphone/) });
    expect(describeMediaError(domError('NotFoundError'))).toMatchObject({ kind: 'missing', action: expect.stringMatching(/Connect a camera/) });
    expect(describeMediaError(domError('NotReadableError'))).toMatchObject({ kind: 'busy' });
    expect(describeMediaError(domError('OverconstrainedError')).kind).toBe('missing');
    expect(describeMediaError('something odd').kind).toBe('failed');
  });

  it('asks for exactly the chosen devices', () => {
    const constraints = mediaConstraints({ cameraId: 'cam-2' });
    expect(constraints.video).toMatchObject({ deviceId: { exact: 'cam-2' } });
    expect(constraints.audio).not.toHaveProperty('deviceId');
  });

  it('numbers devices that have no label yet and skips placeholder entries', async () => {
    const devices = [
      { kind: 'videoinput', deviceId: 'a', label: '' },
      { kind: 'videoinput', deviceId: 'b', label: 'USB camera' },
      { kind: 'audioinput', deviceId: '', label: '' },
      { kind: 'audiooutput', deviceId: 'c', label: 'Speakers' },
    ] as MediaDeviceInfo[];
    expect(await listMediaDevices({ enumerateDevices: async () => devices })).toEqual({
      cameras: [
        { deviceId: 'a', label: 'Camera 1' },
        { deviceId: 'b', label: 'USB camera' },
      ],
      microphones: [],
    });
  });

  it('reports a browser without getUserMedia as unsupported', async () => {
    // An insecure (http, not localhost) page has no getUserMedia at all.
    await expect(openLocalMedia({}, {}).catch((error: unknown) => describeMediaError(error).kind)).resolves.toBe('unsupported');
  });
});
