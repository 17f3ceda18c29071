/** Who did something clinically relevant; every manual entry, acknowledgement and limit change names one. */
import { z } from 'zod';

export const ROLES = ['clinician', 'nurse', 'patient', 'technician'] as const;
export type Role = (typeof ROLES)[number];

export const ActorSchema = z.object({
  id: z.string().min(1).max(200),
  name: z.string().min(1).max(200),
  role: z.enum(ROLES),
});
export type Actor = z.infer<typeof ActorSchema>;
