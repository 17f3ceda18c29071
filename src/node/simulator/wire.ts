/**
 * The byte link between a simulated device and its driver: one JSON message per line. Going
 * through plain bytes keeps simulated devices on the same DeviceIo path as real ones, so the hub's
 * io wrappers, recording to a capture and replaying it all work unchanged.
 */
import { z } from 'zod';
import { MAX_JSON_DEPTH, parseBoundedJson } from '../../shared/bounded-json';
import { RawScaleSchema } from '../../shared/contract';
import { SIGNAL_CONDITIONS, type DriverOutput } from '../../shared/readings';
import { METRICS, UCUM_UNITS } from '../../shared/vitals';
import type { DeviceActivity } from '../drivers/driver';

const finite = z.number().finite();

const DeviceMessageSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('observation'),
      metric: z.enum(METRICS),
      value: finite,
      unit: z.enum(UCUM_UNITS),
      time: z.string().max(40).nullable(),
      measurement: z.number().int().nonnegative().optional(),
      glucose: z.object({ specimen: z.enum(['whole-blood', 'plasma', 'capillary']).nullable(), meal: z.enum(['before-meal', 'after-meal']).nullable() }).strict().optional(),
    })
    .strict(),
  z.object({ type: z.literal('waveform'), metric: z.enum(['pleth', 'ecg']), rateHz: finite.positive().max(10_000), samples: z.array(finite).min(1).max(10_000), scale: RawScaleSchema.optional() }).strict(),
  z.object({ type: z.literal('status'), condition: z.enum(SIGNAL_CONDITIONS), detail: z.string().max(500).optional() }).strict(),
  z.object({ type: z.literal('activity'), activity: z.enum(['streaming', 'measuring', 'idle']) }).strict(),
]);

/** Device to host: what the driver should emit, or what the device is doing. */
export type DeviceMessage = DriverOutput | { type: 'activity'; activity: DeviceActivity };

/** Host to device. Only measuring devices accept it. */
export const MEASURE_COMMAND = 'measure';

/** Longer than any message a simulated device sends; a line this long means a corrupt link. */
const MAX_LINE_CHARS = 64 * 1024;

const encoder = new TextEncoder();

export const encodeLine = (line: string): Uint8Array => encoder.encode(`${line}\n`);
export const encodeMessage = (message: DeviceMessage): Uint8Array => encodeLine(JSON.stringify(message));

export class SimulatedLinkError extends Error {
  override name = 'SimulatedLinkError';
}

/** Reassembles lines across chunks (chunk boundaries carry no meaning, as on a serial link). */
export class LineDecoder {
  readonly #text = new TextDecoder('utf-8', { fatal: true });
  #pending = '';

  push(chunk: Uint8Array): string[] {
    let text: string;
    try {
      text = this.#text.decode(chunk, { stream: true });
    } catch {
      throw new SimulatedLinkError('simulated link: bytes that are not UTF-8');
    }
    const lines = (this.#pending + text).split('\n');
    this.#pending = lines.pop() ?? '';
    if (this.#pending.length > MAX_LINE_CHARS) throw new SimulatedLinkError(`simulated link: a message longer than ${MAX_LINE_CHARS} characters`);
    return lines.filter((line) => line.length > 0);
  }
}

export function parseDeviceMessage(line: string): DeviceMessage {
  const json = parseBoundedJson(line, { maxChars: MAX_LINE_CHARS, maxDepth: MAX_JSON_DEPTH });
  if (!json.ok) throw new SimulatedLinkError(`simulated link: ${json.error}: ${line.slice(0, 80)}`);
  const parsed = DeviceMessageSchema.safeParse(json.value);
  if (!parsed.success) throw new SimulatedLinkError(`simulated link: not a device message (${parsed.error.issues[0]?.message ?? 'invalid'}): ${line.slice(0, 80)}`);
  return parsed.data;
}
