/** Who did something clinically relevant; every manual entry, acknowledgement and limit change names one. */
export const ROLES = ['clinician', 'nurse', 'patient', 'technician'] as const;
export type Role = (typeof ROLES)[number];

export interface Actor {
  id: string;
  name: string;
  role: Role;
}
