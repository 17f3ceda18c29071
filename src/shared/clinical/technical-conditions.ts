/**
 * What can go wrong with monitoring itself rather than with the patient: the alarm engine raises
 * technical alarms for these, and the contract names them. Kept apart from the engine so the
 * contract need not import it.
 */
export const TECHNICAL_CONDITIONS = ['disconnected', 'probe-off', 'no-data', 'weak-signal', 'low-battery'] as const;
export type TechnicalCondition = (typeof TECHNICAL_CONDITIONS)[number];
