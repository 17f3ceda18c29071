/**
 * The soak's accelerated clock and its schedule. A simulated hour lasts `realHourMs` of real time;
 * what the script does is scheduled in simulated hours (a video visit and the spot measurements
 * every hour, an alarm every 4 hours, a kiosk visit every 6), and every sample is placed on the
 * simulated clock by its real time. The station itself runs in real time: its device streams,
 * timers (retention's daily pruning, audit checkpoints, inactivity locks) and Date.now are
 * untouched, so a simulated week holds `hours × realHourMs` of real device data.
 */
export const SIMULATED_HOUR_MS = 3_600_000;

export interface SoakPlan {
  /** Simulated hours to run. */
  hours: number;
  /** Real milliseconds a simulated hour lasts. */
  realHourMs: number;
  /** Simulated hours a row of the table covers: 24 (a day) for the full run, 1 for the smoke run. */
  bucketHours: number;
}

export interface HourActions {
  visit: boolean;
  measurements: boolean;
  alarm: boolean;
  kiosk: boolean;
}

/** What the script does in simulated hour `hour` (0-based). */
export function actionsOfHour(hour: number): HourActions {
  return { visit: true, measurements: true, alarm: hour % 4 === 1, kiosk: hour % 6 === 2 };
}

/** The simulated time (ms since the soak started) of a real moment `realElapsedMs` after it started. */
export const simulatedMs = (plan: SoakPlan, realElapsedMs: number): number => (realElapsedMs * SIMULATED_HOUR_MS) / plan.realHourMs;

/** The table row (0-based) a simulated time falls in. */
export const bucketOf = (plan: SoakPlan, simMs: number): number => Math.floor(simMs / (plan.bucketHours * SIMULATED_HOUR_MS));
