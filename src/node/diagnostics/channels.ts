/**
 * In-process diagnostics channels (node:diagnostics_channel) the soak test's probe subscribes to
 * (bench/soak/probe.ts, loaded into the station process only by `npm run soak`). Publishing costs
 * nothing while nobody subscribes, and nothing outside this process can subscribe: these are not
 * an interface, carry no patient data beyond a metric's name, and are never served.
 */
import { channel } from 'node:diagnostics_channel';

/** Every reading the hub publishes: `{ metric }`, so a soak can count what the devices produced by metric. */
export const hubReadingChannel = channel('vitalbridge:hub.reading');

/** The recorder's queue length at each flush tick: `{ pending }`. */
export const recorderQueueChannel = channel('vitalbridge:recorder.queue');
