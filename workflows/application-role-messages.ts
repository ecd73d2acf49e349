/**
 * Every message an application-role request workflow accepts, defined once and imported by
 * both the workflow and the API.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ApplicationRole, ApplicationRoleStatus, ApplicationRoleStatusChange } from '../domain/application-roles';
import type { ApplicationRolePrincipal, ApplicationRoleRoute, Decision } from '../domain/approval-routing';
import type { DeadlinePolicy, DeadlineView } from '../domain/approval-deadlines';
import type { BusinessCalendar } from '../domain/business-days';

export const APPLICATION_ROLE_WORKFLOW = 'applicationRoleWorkflow';
/** The application-role workflow's signature (workflows/application-role.ts), for typed starts. */
export type ApplicationRoleWorkflow = (input: ApplicationRoleWorkflowInput) => Promise<ApplicationRoleView>;
export const applicationRoleWorkflowIdFor = (requestId: string) => `application-role-${requestId}`;

export interface ApplicationRoleWorkflowInput {
  requestId: string;
  requesterUserId: string;
  applicationId: string;
  /** The catalog's name at submission, for the emails. */
  applicationName: string;
  role: ApplicationRole;
  userGroupId: string;
  organizationId: string;
  /** When approvers are reminded, when the request escalates and when it expires; defaults when absent. */
  approvalDeadlines?: { policy: DeadlinePolicy; calendar: BusinessCalendar };
}

/** The public view of a request (`GET /application-role-requests/:id`). */
export interface ApplicationRoleView extends DeadlineView {
  id: string;
  requesterUserId: string;
  applicationId: string;
  role: ApplicationRole;
  userGroupId: string;
  organizationId: string;
  status: ApplicationRoleStatus;
  trackingNumber?: string;
  reason?: string;
  decidedBy?: string;
  heldBy?: ApplicationRoleRoute['heldBy'];
  history: ApplicationRoleStatusChange[];
}

/** Who may look at a request: its requester and the approvers on its route. */
export interface ApplicationRoleAudience {
  requesterUserId: string;
  status: ApplicationRoleStatus;
  route?: ApplicationRoleRoute;
}

export interface ApplicationRoleStatusResult {
  status: ApplicationRoleStatus;
}
export type ApplicationRoleDecisionInput = Decision<ApplicationRolePrincipal>;

export const applicationRoleViewQuery = defineQuery<ApplicationRoleView>('applicationRoleView');
export const applicationRoleAudienceQuery = defineQuery<ApplicationRoleAudience>('applicationRoleAudience');

export const decideApplicationRoleUpdate = defineUpdate<ApplicationRoleStatusResult, [ApplicationRoleDecisionInput]>(
  'decideApplicationRole',
);
/** Carries the caller's user ID: only the requester may cancel. */
/** A new deadline policy, applied from now on (deadlines count from the request's submission). */
export const applyApplicationRoleDeadlinePolicyUpdate = defineUpdate<ApplicationRoleStatusResult, [DeadlinePolicy]>(
  'applyApplicationRoleDeadlinePolicy',
);
/** The chain of trust moves the request to approvers who can decide it. */
export const rerouteApplicationRoleUpdate = defineUpdate<ApplicationRoleStatusResult, [ApplicationRoleRoute]>('rerouteApplicationRole');
export const cancelApplicationRoleUpdate = defineUpdate<ApplicationRoleStatusResult, [{ requesterUserId: string }]>(
  'cancelApplicationRole',
);

/**
 * Why a message was refused: the workflow throws an ApplicationFailure of one of these types
 * (with `details[0]` `{ status }`, the request's status); the API turns each into an HTTP answer.
 */
export const APPLICATION_ROLE_REFUSALS = {
  WRONG_STATUS: 'ApplicationRoleWrongStatus',
  NOT_ROUTED: 'ApplicationRoleNotRouted',
  NOT_REQUESTER: 'ApplicationRoleNotRequester',
} as const;
export type ApplicationRoleRefusalType = (typeof APPLICATION_ROLE_REFUSALS)[keyof typeof APPLICATION_ROLE_REFUSALS];
