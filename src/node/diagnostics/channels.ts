/**
 * In-process diagnostics channels (node:diagnostics_channel) the soak test's probe subscribes to
 * (bench/soak/probe.ts, loaded into the station process only by `npm run soak`). Publishing costs
 * nothing while nobody subscribes, and nothing outside this process can subscribe: these are not
 * an interface, carry no patient data beyond a metric's name, and are never served.
 */
import { channel } from 'node:diagnostics_channel';

/** Every reading the hub publishes: `{ metric }`, so a soak can count what the devices produced by metric. */
export const hubReadingChannel = channel('vitalbridge:hub.reading');

/** At each of the recorder's flush ticks: its queue length and how many alarms and charted NEWS2 entries it still tracks, `{ pending, alarms, charted }`. */
export const recorderQueueChannel = channel('vitalbridge:recorder.queue');
