/** A ConsultCall bound to a component: created once per session, fed the current local stream, left on unmount. */
import { useEffect, useRef, useState } from 'react';
import type { Role } from '../../shared/consult/protocol';
import { createConsultCall, type CallState, type ConsultCall } from '../consult/call';

export interface CallSession {
  signallingUrl: string;
  token: string;
  role: Role;
}

export interface BoundCall {
  call: ConsultCall | null;
  state: CallState | null;
  remoteStream: MediaStream | null;
}

/** `session` null: no call yet. The stream may change during the call (device switch, retry after a denial). */
export function useConsultCall(session: CallSession | null, localStream: MediaStream | null, onSeatToken?: (token: string) => void): BoundCall {
  const [call, setCall] = useState<ConsultCall | null>(null);
  const [state, setState] = useState<CallState | null>(null);
  const [remoteStream, setRemoteStream] = useState<MediaStream | null>(null);
  const streamRef = useRef(localStream);
  const seatRef = useRef(onSeatToken);
  // Declared before the effect that reads them, so they are current when a call is created.
  useEffect(() => {
    streamRef.current = localStream;
    seatRef.current = onSeatToken;
  });

  useEffect(() => {
    if (!session) return;
    const created = createConsultCall({
      ...session,
      localStream: streamRef.current,
      onRemoteStream: setRemoteStream,
      onStateChange: setState,
      onSeatToken: (token) => seatRef.current?.(token),
    });
    setCall(created);
    setState(created.state);
    return () => {
      created.leave();
      setCall(null);
    };
  }, [session]);

  useEffect(() => {
    if (call && call.state.phase !== 'ended') call.replaceLocalStream(localStream);
  }, [call, localStream]);

  return { call, state, remoteStream };
}
