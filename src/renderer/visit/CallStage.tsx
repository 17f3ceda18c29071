/**
 * The video part of a visit, the same at both ends: the other side's video (with the call status over
 * it while there is none), the local preview, connection quality, media problems and the controls.
 */
import { useEffect, useState, type ReactNode } from 'react';
import type { Role } from '../../shared/consult/protocol';
import { sampleCallQuality, type CallQuality } from '../consult/call-quality';
import type { ConsultCall, CallState } from '../consult/call';
import { callIsOver, callStatusText } from './call-status';
import type { LocalMedia } from './useLocalMedia';
import { VideoView } from './VideoView';

interface CallStageProps {
  role: Role;
  call: ConsultCall | null;
  state: CallState | null;
  remoteStream: MediaStream | null;
  media: LocalMedia;
  onEnd(): void;
  /** Shown over the remote video area while not connected (the station's admit button). */
  waitingAction?: ReactNode;
  /** Side panel content below the preview (the visit link, the chat, the clinician's actions). */
  aside?: ReactNode;
  /**
   * The patient's vitals, never inside the scrolling side column: beside the video on the clinician's
   * page, a compact strip under it at the station.
   */
  vitals?: ReactNode;
  /** Which of video and vitals gets the room (the clinician's choice); the station has one layout. */
  layout?: CallLayout;
}

export type CallLayout = 'video-large' | 'vitals-large';

export function CallStage({ role, call, state, remoteStream, media, onEnd, waitingAction, aside, vitals, layout }: CallStageProps) {
  const quality = useCallQuality(call, state?.phase === 'connected');
  const other = role === 'station' ? 'clinician' : 'patient';
  const showRemote = state?.phase === 'connected' && remoteStream !== null;
  const over = callIsOver(state);
  // Whoever ended the visit (either side, the server, its expiry), this side's camera and microphone go off now.
  const { release } = media;
  useEffect(() => {
    if (over) release();
  }, [over, release]);
  return (
    <div className="call-stage" data-call-phase={state?.phase ?? 'starting'} data-call-role={role} data-layout={layout}>
      <section className="call-remote" aria-label={`Video of the ${other}`}>
        <VideoView stream={remoteStream} role="remote-video" label={`Video of the ${other}`} />
        {!showRemote && (
          <div className={`call-status ${over ? 'call-status-final' : ''}`} role="status" data-role="call-status">
            <p className="call-status-text">{callStatusText(state, role)}</p>
            {waitingAction}
          </div>
        )}
        {showRemote && state?.relayOnly && <span className="call-badge">Relayed</span>}
      </section>
      {vitals && <div className="call-vitals">{vitals}</div>}
      <aside className="call-side" aria-label="Your camera and the visit">
        <div className="call-preview">
          <VideoView stream={media.stream} role="local-video" label="Your camera" mirrored />
          {media.cameraOff && <p className="call-preview-note">Camera off</p>}
        </div>
        {/* The call buttons stay in view; whatever else the side holds scrolls below them. */}
        {!over && <CallButtons media={media} onEnd={onEnd} />}
        <div className="call-side-scroll">
          {media.problem && !over && <MediaProblemNotice media={media} />}
          {(state?.phase === 'connected' || state?.phase === 'reconnecting') && (
            <QualityIndicator quality={quality} connected={state.phase === 'connected'} reconnecting={state.phase === 'reconnecting'} />
          )}
          {aside}
          {!over && <DevicePickers media={media} />}
        </div>
      </aside>
    </div>
  );
}

function useCallQuality(call: ConsultCall | null, connected: boolean): CallQuality | null {
  const [quality, setQuality] = useState<CallQuality | null>(null);
  useEffect(() => {
    if (!call || !connected) return;
    const stop = sampleCallQuality(() => call.peerConnection(), setQuality);
    return () => {
      stop();
      setQuality(null);
    };
  }, [call, connected]);
  return quality;
}

function QualityIndicator({ quality, connected, reconnecting }: { quality: CallQuality | null; connected: boolean; reconnecting: boolean }) {
  const level = reconnecting ? 'poor' : (quality?.level ?? 'unknown');
  const summary = reconnecting ? 'Reconnecting…' : (quality?.summary ?? 'Measuring the connection…');
  const figures = connected && quality ? qualityFigures(quality) : '';
  return (
    <div className="call-quality" data-role="call-quality" data-quality={level} role="status" aria-live="polite">
      <span className="call-quality-bars" aria-hidden="true">
        <span /> <span /> <span />
      </span>
      <span>
        <strong>{summary}</strong>
        {figures && <span className="call-quality-figures">{figures}</span>}
      </span>
    </div>
  );
}

function qualityFigures(q: CallQuality): string {
  const parts: string[] = [];
  if (q.rttMs !== null) parts.push(`delay ${Math.round(q.rttMs)} ms`);
  if (q.packetLossPercent !== null) parts.push(`loss ${q.packetLossPercent.toFixed(1)} %`);
  if (q.bitrateKbps !== null) parts.push(`${Math.round(q.bitrateKbps)} kbit/s`);
  if (q.frameRate !== null) parts.push(`${Math.round(q.frameRate)} fps`);
  return parts.join(' · ');
}

export function MediaProblemNotice({ media }: { media: LocalMedia }) {
  if (!media.problem) return null;
  return (
    <div className="media-problem" role="alert" data-role="media-problem" data-problem={media.problem.kind}>
      <p className="media-problem-title">{media.problem.title}</p>
      <p>{media.problem.action}</p>
      <button type="button" className="call-button" data-action="retry-media" onClick={media.retry}>
        Try again
      </button>
    </div>
  );
}

function CallButtons({ media, onEnd }: { media: LocalMedia; onEnd(): void }) {
  return (
    <div className="call-buttons">
      <button type="button" className="call-button" data-action="toggle-mute" aria-pressed={media.muted} onClick={media.toggleMute} disabled={!media.stream}>
          {media.muted ? 'Unmute' : 'Mute'}
        </button>
        <button type="button" className="call-button" data-action="toggle-camera" aria-pressed={media.cameraOff} onClick={media.toggleCamera} disabled={!media.stream}>
          {media.cameraOff ? 'Camera on' : 'Camera off'}
        </button>
      <button type="button" className="call-button call-button-end" data-action="end-visit" onClick={onEnd}>
        End visit
      </button>
    </div>
  );
}

function DevicePickers({ media }: { media: LocalMedia }) {
  return (
    <div className="call-devices">
      <DevicePicker label="Camera" options={media.devices.cameras} value={media.choice.cameraId} onChange={(cameraId) => media.choose({ ...media.choice, cameraId })} />
      <DevicePicker
        label="Microphone"
        options={media.devices.microphones}
        value={media.choice.microphoneId}
        onChange={(microphoneId) => media.choose({ ...media.choice, microphoneId })}
      />
    </div>
  );
}

function DevicePicker({ label, options, value, onChange }: { label: string; options: { deviceId: string; label: string }[]; value?: string; onChange(id: string | undefined): void }) {
  if (options.length < 2) return null;
  return (
    <label className="call-device">
      <span>{label}</span>
      <select value={value ?? ''} onChange={(event) => onChange(event.target.value || undefined)}>
        <option value="">Default</option>
        {options.map((option) => (
          <option key={option.deviceId} value={option.deviceId}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}
