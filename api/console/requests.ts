/**
 * What the console shows of one request: read by `_id` from the read models the JSON routes
 * read (the registration's document and view, the application-role request's view), with the
 * approver check of `domain/approval-routing.ts`. No secret is read: no SSN, date of birth,
 * code or token leaves this module.
 */
import { z } from 'zod';
import { mayDecide, mayDecideApplicationRole, type ApplicationRolePrincipal, type ApprovalRoute } from '../../domain/approval-routing';
import type { Application } from '../../domain/application-roles';
import { REGISTRATION_ROLES } from '../../domain/roles';
import { applicationRoleRouteSchema } from '../../domain/schemas';
import { REGISTRATION_STATUSES } from '../../domain/status';
import { AccountModel } from '../../models/account';
import { ApplicationRoleRequestModel, storedApplicationRoleRoute } from '../../models/application-role';
import { OrganizationModel, UserGroupModel } from '../../models/organization';
import { RegistrationModel, storedRegistrationRoute } from '../../models/registration';
import { TrackingNumberModel } from '../../models/support';
import { applicationRoleViewSchema, parsedRegistrationView } from '../read-models';
import { storedRegistrationView } from '../../models/registration-view';

/** The non-secret parts of a stored registration. */
const storedRegistrationSchema = z.object({
  _id: z.string(),
  role: z.enum(REGISTRATION_ROLES),
  status: z.enum(REGISTRATION_STATUSES),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  applicantUserId: z.string().nullish(),
  trackingNumber: z.string().nullish(),
  submittedAt: z.date().nullish(),
  reason: z.string().nullish(),
  decidedBy: z.string().nullish(),
  details: z
    .object({
      contact: z
        .object({
          phone: z.string(),
          address: z.object({
            line1: z.string(),
            line2: z.string().optional(),
            city: z.string(),
            state: z.string(),
            postalCode: z.string(),
            country: z.string(),
          }),
        })
        .optional(),
      organizationId: z.string().optional(),
      organization: z.object({ name: z.string(), country: z.string(), state: z.string(), providerType: z.string() }).optional(),
      userGroupId: z.string().optional(),
      userGroup: z.object({ name: z.string(), kind: z.string() }).optional(),
      justification: z.string().optional(),
    })
    .nullish(),
});

export interface RegistrationDetail {
  kind: 'REGISTRATION';
  id: string;
  trackingNumber?: string;
  role: string;
  status: string;
  applicantName: string;
  email: string;
  organization?: string;
  newOrganization?: { name: string; country: string; state: string; providerType: string };
  userGroup?: string;
  newUserGroup?: { name: string; kind: string };
  contact?: { phone: string; address: string };
  justification?: string;
  submittedAt?: Date;
  expiresAt?: string;
  heldBy: string[];
  reason?: string;
  decidedBy?: string;
  history: { status: string; at: string }[];
  route?: ApprovalRoute;
  applicantUserId?: string;
}

const organizationName = async (id?: string) => (id ? (await OrganizationModel.findById(id, { name: 1 }).lean())?.name : undefined);
const userGroupName = async (id?: string) => (id ? (await UserGroupModel.findById(id, { name: 1 }).lean())?.name : undefined);

export async function registrationDetail(id: string): Promise<RegistrationDetail | undefined> {
  const found = await RegistrationModel.findById(id, {
    ssnHash: 0,
    ssnLast4: 0,
    dateOfBirthEncrypted: 0,
    applicantTokenHash: 0,
  }).lean();
  const parsed = storedRegistrationSchema.safeParse(found);
  if (!parsed.success) return undefined;
  const r = parsed.data;
  const route = found ? storedRegistrationRoute(found) : undefined;
  const stored = await storedRegistrationView(id);
  const view = stored && parsedRegistrationView(stored);
  const d = r.details ?? {};
  const a = d.contact?.address;
  return {
    kind: 'REGISTRATION',
    id: r._id,
    trackingNumber: r.trackingNumber ?? undefined,
    role: r.role,
    status: view?.status ?? r.status,
    applicantName: `${r.firstName} ${r.lastName}`,
    email: r.email,
    organization: d.organization?.name ?? (await organizationName(d.organizationId)),
    newOrganization: d.organization,
    userGroup: d.userGroup?.name ?? (await userGroupName(d.userGroupId)),
    newUserGroup: d.userGroup,
    contact: d.contact &&
      a && { phone: d.contact.phone, address: [a.line1, a.line2, a.city, a.state, a.postalCode, a.country].filter(Boolean).join(', ') },
    justification: d.justification,
    submittedAt: r.submittedAt ?? undefined,
    expiresAt: view?.expiresAt,
    heldBy: view?.heldBy ?? route?.heldBy ?? [],
    reason: view?.reason ?? r.reason ?? undefined,
    decidedBy: r.decidedBy ?? undefined,
    history: view?.history ?? [],
    route,
    applicantUserId: r.applicantUserId ?? undefined,
  };
}

export interface ApplicationRoleDetail {
  kind: 'APPLICATION_ROLE';
  id: string;
  trackingNumber?: string;
  role: string;
  status: string;
  application: string;
  requesterUserId: string;
  requesterName?: string;
  organization?: string;
  userGroup?: string;
  expiresAt?: string;
  heldBy: string[];
  reason?: string;
  decidedBy?: string;
  history: { status: string; at: string }[];
  route?: z.infer<typeof applicationRoleRouteSchema>;
}

export async function applicationRoleDetail(id: string, applications: readonly Application[]): Promise<ApplicationRoleDetail | undefined> {
  const stored = await ApplicationRoleRequestModel.findById(id, { view: 1, route: 1 }).lean();
  const view = applicationRoleViewSchema.safeParse(stored?.view);
  if (!view.success) return undefined;
  const v = view.data;
  const requester = await AccountModel.findById(v.requesterUserId, { firstName: 1, lastName: 1 }).lean();
  return {
    kind: 'APPLICATION_ROLE',
    id: v.id,
    trackingNumber: v.trackingNumber,
    role: v.role,
    status: v.status,
    application: applications.find((x) => x.id === v.applicationId)?.name ?? v.applicationId,
    requesterUserId: v.requesterUserId,
    requesterName: requester ? `${requester.firstName} ${requester.lastName}` : undefined,
    organization: await organizationName(v.organizationId),
    userGroup: await userGroupName(v.userGroupId),
    expiresAt: v.expiresAt,
    heldBy: v.heldBy ?? [],
    reason: v.reason,
    decidedBy: v.decidedBy,
    history: v.history,
    route: storedApplicationRoleRoute(stored),
  };
}

/** Whether this approver is routed to the request (the same check the workflow makes on a decision). */
export function isRoutedTo(approver: ApplicationRolePrincipal, request: RegistrationDetail | ApplicationRoleDetail): boolean {
  if (request.kind === 'REGISTRATION') return request.route !== undefined && mayDecide(approver, request.route, request.applicantUserId);
  return request.route !== undefined && mayDecideApplicationRole(approver, request.route, request.requesterUserId);
}

/** The request a tracking number was issued to: one read by `_id` of `tracking_numbers`. */
export async function requestByTrackingNumber(
  trackingNumber: string,
): Promise<{ kind: 'REGISTRATION' | 'APPLICATION_ROLE'; requestId: string } | undefined> {
  const entry = await TrackingNumberModel.findById(trackingNumber.trim().toUpperCase()).lean();
  if (!entry?.kind || !entry.requestId) return undefined;
  return { kind: entry.kind, requestId: entry.requestId };
}

/** The console page of one request. */
export const requestPath = (kind: 'REGISTRATION' | 'APPLICATION_ROLE', id: string) =>
  `/console/requests/${kind === 'REGISTRATION' ? 'registration' : 'application-role'}/${id}`;
