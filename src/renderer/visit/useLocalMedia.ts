/** The local camera and microphone of a visit: opened on demand, switchable, mutable, released when the visit is over and on unmount. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { describeMediaError, listMediaDevices, openLocalMedia, type MediaChoice, type MediaDeviceLists, type MediaProblem } from '../consult/media';

export interface LocalMedia {
  stream: MediaStream | null;
  /** Set while opening failed; cleared by a successful retry. */
  problem: MediaProblem | null;
  /** True once the first attempt (successful or not) has finished. */
  settled: boolean;
  devices: MediaDeviceLists;
  choice: MediaChoice;
  choose(choice: MediaChoice): void;
  retry(): void;
  muted: boolean;
  toggleMute(): void;
  cameraOff: boolean;
  toggleCamera(): void;
  /** The visit is over: every track stops now and nothing opens again (retry and device changes included). */
  release(): void;
}

function stopTracks(streamRef: { current: MediaStream | null }): void {
  streamRef.current?.getTracks().forEach((track) => track.stop());
  streamRef.current = null;
}

/** `active`: whether the camera may run at all (false until the patient consented, or the clinician pressed join). */
export function useLocalMedia(active: boolean): LocalMedia {
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [problem, setProblem] = useState<MediaProblem | null>(null);
  const [settled, setSettled] = useState(false);
  const [devices, setDevices] = useState<MediaDeviceLists>({ cameras: [], microphones: [] });
  const [choice, setChoice] = useState<MediaChoice>({});
  const [attempt, setAttempt] = useState(0);
  const [muted, setMuted] = useState(false);
  const [cameraOff, setCameraOff] = useState(false);
  const [released, setReleased] = useState(false);
  const streamRef = useRef<MediaStream | null>(null);
  const live = active && !released;

  useEffect(() => {
    if (!live) return;
    let cancelled = false;
    openLocalMedia(choice).then(
      async (opened) => {
        if (cancelled) {
          opened.getTracks().forEach((track) => track.stop());
          return;
        }
        stopTracks(streamRef);
        streamRef.current = opened;
        setStream(opened);
        setProblem(null);
        setSettled(true);
        // Labels are only visible once permission was granted.
        setDevices(await listMediaDevices().catch(() => ({ cameras: [], microphones: [] })));
      },
      (error: unknown) => {
        if (cancelled) return;
        setProblem(describeMediaError(error));
        setSettled(true);
        void listMediaDevices().then(setDevices, () => undefined);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [live, choice, attempt]);

  useEffect(() => () => stopTracks(streamRef), []);

  // Muting disables the track (silence is sent) so the call needs no re-negotiation.
  useEffect(() => {
    stream?.getAudioTracks().forEach((track) => (track.enabled = !muted));
    stream?.getVideoTracks().forEach((track) => (track.enabled = !cameraOff));
  }, [stream, muted, cameraOff]);

  return {
    stream,
    problem,
    settled,
    devices,
    choice,
    choose: setChoice,
    retry: useCallback(() => setAttempt((n) => n + 1), []),
    muted,
    toggleMute: useCallback(() => setMuted((value) => !value), []),
    cameraOff,
    toggleCamera: useCallback(() => setCameraOff((value) => !value), []),
    release: useCallback(() => {
      // At once, not on the next render: the visit is over and the person expects the camera off.
      stopTracks(streamRef);
      setStream(null);
      setReleased(true);
    }, []),
  };
}
