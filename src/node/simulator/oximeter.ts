/**
 * The simulated pulse oximeter's firmware: a 60 Hz pleth plus SpO2, pulse rate and perfusion index
 * once a second, behaving like a fingertip oximeter when the probe comes off and goes back on.
 */
import type { SignalCondition } from '../../shared/readings';
import { noise } from './noise';
import { observe, roundTo } from './observe';
import { PLETH_MAX, PLETH_RATE_HZ, PlethSynth } from './pleth';
import type { DevicePort } from './port';

/** How often the simulated device hands over what it has; six pleth samples at 60 Hz. */
const CHUNK_MS = 100;
const NUMERICS_EVERY_MS = 1000;
/** After the probe goes on, a real oximeter searches for the pulse for a couple of seconds before showing numbers. */
export const OXIMETER_SEARCH_MS = 2000;

/** Separate noise streams, so each number's jitter is independent of the others. */
const STREAM = { spo2: 1, pulseRate: 2, perfusionIndex: 3 } as const;

export async function oximeterFirmware(port: DevicePort): Promise<void> {
  const synth = new PlethSynth(port.seed);
  const startedAt = port.now();
  let samplesMade = 0;
  let condition: SignalCondition | undefined;
  let searchingUntil = startedAt + OXIMETER_SEARCH_MS;
  let nextNumericsAt = startedAt;
  let numericsMade = 0;

  port.send({ type: 'activity', activity: 'streaming' });
  for (;;) {
    const now = port.now();

    // Samples since the last wake belong to the condition that held during that interval.
    const samples: number[] = [];
    for (const due = Math.floor(((now - startedAt) * PLETH_RATE_HZ) / 1000); samplesMade < due; samplesMade++) {
      const sample = synth.next(port.patient.vitalsAt(startedAt + (samplesMade * 1000) / PLETH_RATE_HZ));
      if (condition === 'ok') samples.push(sample);
    }
    if (samples.length > 0) port.send({ type: 'waveform', metric: 'pleth', rateHz: PLETH_RATE_HZ, samples, scale: { min: 0, max: PLETH_MAX } });

    const attached = port.patient.probeAttachedAt(now);
    if (attached && condition === 'probe-off') searchingUntil = now + OXIMETER_SEARCH_MS;
    const current: SignalCondition = !attached ? 'probe-off' : now < searchingUntil ? 'searching' : 'ok';
    if (current !== condition) {
      condition = current;
      port.send({ type: 'status', condition });
      if (condition === 'ok') nextNumericsAt = now;
    }

    if (condition === 'ok' && now >= nextNumericsAt) {
      const vitals = port.patient.vitalsAt(now);
      const jitter = (stream: number) => noise(port.seed, stream, numericsMade);
      port.send(observe('spo2', Math.min(100, Math.max(0, Math.round(vitals.spo2 + 0.6 * jitter(STREAM.spo2))))));
      port.send(observe('pulseRate', Math.max(0, Math.round(vitals.pulseRate + 1.2 * jitter(STREAM.pulseRate)))));
      port.send(observe('perfusionIndex', Math.max(0.1, roundTo(vitals.perfusionIndex * (1 + 0.05 * jitter(STREAM.perfusionIndex)), 1))));
      numericsMade++;
      nextNumericsAt = nextNumericsAt + NUMERICS_EVERY_MS > now ? nextNumericsAt + NUMERICS_EVERY_MS : now + NUMERICS_EVERY_MS;
    }
    await port.sleep(CHUNK_MS);
  }
}
