import { Schema, model } from 'mongoose';
import { APPLICATION_ROLES, APPLICATION_ROLE_STATUSES } from '../domain/application-roles';
import type { ApplicationRoleRoute } from '../domain/approval-routing';
import { applicationRoleRouteSchema } from '../domain/schemas';
import { claimModel } from './claims';

/** One request for an application role (Table 2), as its workflow records it. `_id` is the request id. */
const applicationRoleRequestSchema = new Schema(
  {
    _id: { type: String, required: true },
    requesterUserId: { type: String, required: true, index: true },
    applicationId: { type: String, required: true },
    role: { type: String, enum: APPLICATION_ROLES, required: true },
    userGroupId: { type: String, required: true, index: true },
    organizationId: { type: String, required: true, index: true },
    status: { type: String, enum: APPLICATION_ROLE_STATUSES, required: true, index: true },
    history: [{ _id: false, status: { type: String, required: true }, at: { type: String, required: true } }],
    /** The public view as the workflow last wrote it (the read model of `GET /application-role-requests/:id`). */
    view: { type: Schema.Types.Mixed },
    trackingNumber: { type: String, index: { unique: true, sparse: true } },
    /** The approvers worked out at submission (domain/approval-routing.ts, Table 2). */
    route: { type: Schema.Types.Mixed },
    submittedAt: { type: Date },
    reason: { type: String },
    decidedBy: { type: String },
  },
  { timestamps: true, minimize: false, collection: 'application_role_requests' },
);
export const ApplicationRoleRequestModel = model('ApplicationRoleRequest', applicationRoleRequestSchema);

/** The route a request was given when recorded (Table 2), read back through its schema; undefined before, or if malformed. */
export function storedApplicationRoleRoute(record: { route?: unknown } | null | undefined): ApplicationRoleRoute | undefined {
  const parsed = applicationRoleRouteSchema.safeParse(record?.route);
  return parsed.success ? parsed.data : undefined;
}

/**
 * At most one open or granted request per person, application, group and role (the key is
 * domain/application-roles.ts `applicationRoleKey`; how a claim works: models/claims.ts). The API
 * claims the key before it starts a workflow; a denied, cancelled or expired request releases
 * it; a granted one keeps it.
 */
export const ApplicationRoleClaimModel = claimModel('ApplicationRoleClaim', 'application_role_claims');
