/**
 * Operator commands to the alarm engine as they arrive from a screen or over the consultation
 * data channel: validated with zod before anything touches the state. The actor is not part of
 * the message; the caller supplies it from the authenticated session.
 */
import { z } from 'zod';
import type { Actor } from './actor';
import type { AlarmCommandResult, AlarmEngineState } from './alarm-engine';
import { acknowledgeAlarm, pauseAudio, setPatientLimits } from './alarm-engine';
import { ALARM_METRICS } from './alarm-limits';

export const AlarmCommandSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('acknowledge'), alarmId: z.string().min(1).max(40) }),
  z.strictObject({ type: z.literal('pause-audio'), durationMs: z.number().finite().optional() }),
  z.strictObject({
    type: z.literal('set-limits'),
    metric: z.enum(ALARM_METRICS),
    low: z.number().finite().optional(),
    high: z.number().finite().optional(),
    reason: z.string().max(500).optional(),
  }),
]);
export type AlarmCommand = z.infer<typeof AlarmCommandSchema>;

export function applyAlarmCommand(state: AlarmEngineState, message: unknown, actor: Actor, now: number): AlarmCommandResult {
  const parsed = AlarmCommandSchema.safeParse(message);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'command'}: ${issue.message}`).join('; ');
    return { ok: false, error: `invalid alarm command (${detail})`, state };
  }
  const command = parsed.data;
  switch (command.type) {
    case 'acknowledge':
      return acknowledgeAlarm(state, command.alarmId, actor, now);
    case 'pause-audio':
      return pauseAudio(state, actor, now, command.durationMs);
    case 'set-limits':
      return setPatientLimits(state, { metric: command.metric, low: command.low, high: command.high, reason: command.reason }, actor, now);
  }
}
