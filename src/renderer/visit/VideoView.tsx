import { useEffect, useRef } from 'react';

/** A <video> showing a MediaStream; the local preview is muted (no echo) and mirrored like a mirror. */
export function VideoView({ stream, role, label, mirrored = false }: { stream: MediaStream | null; role: 'local-video' | 'remote-video'; label: string; mirrored?: boolean }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = ref.current;
    if (!video || video.srcObject === stream) return;
    video.srcObject = stream;
    if (stream) void video.play().catch(() => undefined);
  }, [stream]);
  return (
    <video
      ref={ref}
      className={`video ${mirrored ? 'video-mirrored' : ''}`}
      data-role={role}
      aria-label={label}
      autoPlay
      playsInline
      muted={role === 'local-video'}
    />
  );
}
