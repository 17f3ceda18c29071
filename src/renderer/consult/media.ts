/**
 * Camera and microphone for a visit: listing them, opening the chosen ones, and turning the
 * browser's failures into what the person in front of the screen should do next.
 */

export interface MediaChoice {
  /** deviceId of the camera; undefined: the default one. */
  cameraId?: string;
  microphoneId?: string;
}

export interface MediaDeviceOption {
  deviceId: string;
  label: string;
}

export interface MediaDeviceLists {
  cameras: MediaDeviceOption[];
  microphones: MediaDeviceOption[];
}

export interface MediaProblem {
  kind: 'denied' | 'missing' | 'busy' | 'unsupported' | 'failed';
  title: string;
  /** What to do about it, in plain words. */
  action: string;
}

/** Devices without labels (before permission is granted) get numbered names. */
export async function listMediaDevices(devices: Pick<MediaDevices, 'enumerateDevices'> = navigator.mediaDevices): Promise<MediaDeviceLists> {
  const all = await devices.enumerateDevices();
  const pick = (kind: MediaDeviceKind, noun: string) =>
    all
      .filter((device) => device.kind === kind && device.deviceId !== '')
      .map((device, index) => ({ deviceId: device.deviceId, label: device.label || `${noun} ${index + 1}` }));
  return { cameras: pick('videoinput', 'Camera'), microphones: pick('audioinput', 'Microphone') };
}

export function mediaConstraints(choice: MediaChoice): MediaStreamConstraints {
  return {
    video: { ...(choice.cameraId ? { deviceId: { exact: choice.cameraId } } : {}), width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } },
    audio: { ...(choice.microphoneId ? { deviceId: { exact: choice.microphoneId } } : {}), echoCancellation: true, noiseSuppression: true },
  };
}

export async function openLocalMedia(choice: MediaChoice, devices: Partial<Pick<MediaDevices, 'getUserMedia'>> | undefined = globalThis.navigator?.mediaDevices): Promise<MediaStream> {
  if (!devices?.getUserMedia) throw Object.assign(new Error('getUserMedia is not available'), { name: 'NotSupportedError' });
  return devices.getUserMedia(mediaConstraints(choice));
}

export function describeMediaError(error: unknown): MediaProblem {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return {
        kind: 'denied',
        title: 'Camera and microphone are blocked',
        action: 'Allow the camera and microphone for this page (the camera icon in the address bar, or the system privacy settings), then press "Try again".',
      };
    case 'NotFoundError':
    case 'OverconstrainedError':
      return {
        kind: 'missing',
        title: 'No camera or microphone found',
        action: 'Connect a camera and a microphone (or a headset), check they are switched on, then press "Try again". If several are connected, choose another one below.',
      };
    case 'NotReadableError':
    case 'AbortError':
      return {
        kind: 'busy',
        title: 'The camera or microphone is in use',
        action: 'Close other programs that use the camera (another video call, a camera app), then press "Try again".',
      };
    case 'NotSupportedError':
      return {
        kind: 'unsupported',
        title: 'This browser cannot use a camera here',
        action: 'Open the visit link in a current Chrome, Edge, Firefox or Safari, over https.',
      };
    default:
      return { kind: 'failed', title: 'The camera or microphone could not start', action: 'Press "Try again"; if it keeps failing, restart the browser or the station.' };
  }
}
