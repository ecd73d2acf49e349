/** What the API reads back from the read models, checked at the edge: MongoDB holds JSON, not types. */
import { z } from 'zod';
import { REGISTRATION_ROLES } from '../domain/roles';
import { APPLICATION_ROLES, APPLICATION_ROLE_STATUSES } from '../domain/application-roles';
import { accountRoleSchema, applicationRoleRouteSchema } from '../domain/schemas';
import { REGISTRATION_STATUSES } from '../domain/status';
import type { ApplicationRoleView } from '../workflows/application-role-messages';
import type { RegistrationView } from '../workflows/messages';
import type { StoredRegistrationView } from '../models/registration-view';

/** While a request awaits a decision: its next deadline, when it falls due, and when it expires. */
const deadlineFields = {
  dueAt: z.string().optional(),
  nextDeadline: z.enum(['REMIND', 'ESCALATE', 'EXPIRE']).optional(),
  expiresAt: z.string().optional(),
};

/** A registration's view, as the workflow writes it (activities `recordView`, models/registration-view.ts). */
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
  ...deadlineFields,
  history: z.array(z.object({ status: z.enum(REGISTRATION_STATUSES), at: z.string() })),
}) satisfies z.ZodType<RegistrationView>;

/** `application_role_requests.view`, as the workflow writes it (activities `recordApplicationRoleView`). */
export const applicationRoleViewSchema = z.object({
  id: z.string(),
  requesterUserId: z.string(),
  applicationId: z.string(),
  role: z.enum(APPLICATION_ROLES),
  userGroupId: z.string(),
  organizationId: z.string(),
  status: z.enum(APPLICATION_ROLE_STATUSES),
  trackingNumber: z.string().optional(),
  reason: z.string().optional(),
  decidedBy: z.string().optional(),
  heldBy: applicationRoleRouteSchema.shape.heldBy.optional(),
  ...deadlineFields,
  history: z.array(z.object({ status: z.enum(APPLICATION_ROLE_STATUSES), at: z.string() })),
}) satisfies z.ZodType<ApplicationRoleView>;

/** The view a registration's record holds, checked; undefined before the workflow first wrote one. */
export function parsedRegistrationView(stored: StoredRegistrationView): RegistrationView | undefined {
  if (stored.viewJson !== undefined) return registrationViewSchema.parse(JSON.parse(stored.viewJson));
  return stored.legacyView ? registrationViewSchema.parse(stored.legacyView) : undefined;
}
