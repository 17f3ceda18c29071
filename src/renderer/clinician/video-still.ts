/** A PNG still of a playing <video>, at most MAX_STILL_WIDTH wide (enough to see a rash or a wound, small enough to send). */
const MAX_STILL_WIDTH = 1280;

export async function captureVideoStill(selector: string): Promise<Uint8Array> {
  const video = document.querySelector<HTMLVideoElement>(selector);
  if (!video || video.videoWidth === 0 || video.videoHeight === 0) throw new Error('There is no patient video to capture yet.');
  const scale = Math.min(1, MAX_STILL_WIDTH / video.videoWidth);
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(video.videoWidth * scale);
  canvas.height = Math.round(video.videoHeight * scale);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('This browser cannot capture the video.');
  context.drawImage(video, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('This browser could not encode the still.');
  return new Uint8Array(await blob.arrayBuffer());
}
