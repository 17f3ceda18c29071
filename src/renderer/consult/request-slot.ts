/**
 * Where the clinician's measurement requests show at the station: a place in the banner area, after
 * the alarms, provided by the station's shell. In the banner area a request is seen on every screen
 * while the visit runs, never covers an alarm, and on the monitor, whose banner area keeps its
 * height, never moves the numerics.
 */
import { createContext } from 'react';

export const RequestSlotContext = createContext<HTMLElement | null>(null);
