/** What the API reads back from the read models, checked at the edge: MongoDB holds JSON, not types. */
import { z } from 'zod';
import { REGISTRATION_ROLES } from '../domain/roles';
import { accountRoleSchema } from '../domain/schemas';
import { REGISTRATION_STATUSES } from '../domain/status';
import type { RegistrationView } from '../workflows/messages';

/** `registrations.view`, as the workflow writes it (activities `recordView`). */
export const registrationViewSchema = z.object({
  id: z.string(),
  role: z.enum(REGISTRATION_ROLES),
  status: z.enum(REGISTRATION_STATUSES),
  trackingNumber: z.string().optional(),
  emailCodeExpiresAt: z.string().optional(),
  emailCodeAttemptsLeft: z.number().optional(),
  emailCodeResendsLeft: z.number().optional(),
  reason: z.string().optional(),
  heldBy: z.array(accountRoleSchema).optional(),
  dueAt: z.string().optional(),
  nextDeadline: z.enum(['REMIND', 'ESCALATE', 'EXPIRE']).optional(),
  expiresAt: z.string().optional(),
  history: z.array(z.object({ status: z.enum(REGISTRATION_STATUSES), at: z.string() })),
}) satisfies z.ZodType<RegistrationView>;
