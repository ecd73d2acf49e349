/**
 * Application roles (Table 2): the catalog, a member's request for a role in one application of
 * one of their groups, and the request's own routes (follow, decide, cancel). Each request is a
 * workflow (`workflows/application-role.ts`); who may decide it is `domain/approval-routing.ts`.
 */
import { randomUUID } from 'node:crypto';
import { Router, type Request } from 'express';
import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { applicationRolePrincipalOf, applicationRolesOf } from '../accounts/application-principal';
import {
  applicationRoleKey,
  applicationRoleRequestIdSchema,
  applicationRoleRequestSchema,
  mayRequestApplicationRole,
  sameApplicationRole,
  type Application,
} from '../domain/application-roles';
import { mayDecideApplicationRole, type ApplicationRolePrincipal, type Principal } from '../domain/approval-routing';
import { decisionSchema } from '../domain/schemas';
import {
  APPLICATION_ROLE_REFUSALS,
  APPLICATION_ROLE_WORKFLOW,
  type ApplicationRoleWorkflow,
  applicationRoleAudienceQuery,
  applicationRoleViewQuery,
  applicationRoleWorkflowIdFor,
  cancelApplicationRoleUpdate,
  decideApplicationRoleUpdate,
  type ApplicationRoleAudience,
  type ApplicationRoleRefusalType,
  type ApplicationRoleStatusResult,
  type ApplicationRoleView,
  type ApplicationRoleWorkflowInput,
} from '../workflows/application-role-messages';
import { addLogContext } from '../infra/logger';
import { ApplicationRoleRequestModel, storedApplicationRoleRoute } from '../models/application-role';
import { applicationRoleViewSchema } from './read-models';
import { claimApplicationRoleKey, releaseApplicationRoleKey } from './request-claims';
import { noBody } from './empty-input';
import { currentApprovalDeadlines, type ApprovalDeadlines } from './deadline-routes';
import { accountOf, guard, type GuardDeps } from './guard';
import { idempotent } from './idempotency';
import { HttpProblem, parse } from './problem';
import { refusalOf, sendUpdateWith } from './temporal-refusals';

interface ApplicationRoleRouteDeps extends GuardDeps {
  taskQueue: string;
  applications: readonly Application[];
  approvalDeadlines: ApprovalDeadlines;
}

const STATUS_BY_REFUSAL: Record<ApplicationRoleRefusalType, number> = {
  [APPLICATION_ROLE_REFUSALS.WRONG_STATUS]: 409,
  [APPLICATION_ROLE_REFUSALS.NOT_ROUTED]: 403,
  [APPLICATION_ROLE_REFUSALS.NOT_REQUESTER]: 403,
};

const notFound = () => new HttpProblem(404, 'no such application-role request');

/** The workflow's refusal of an update as the HTTP answer it stands for. */
function refusalAsProblem(err: unknown): unknown {
  const refusal = refusalOf(err, STATUS_BY_REFUSAL);
  return refusal ? new HttpProblem(refusal.status, refusal.message, [], { requestStatus: refusal.details.status }) : err;
}

async function audienceOf(handle: WorkflowHandle): Promise<ApplicationRoleAudience> {
  try {
    return await handle.query(applicationRoleAudienceQuery);
  } catch (err) {
    throw err instanceof WorkflowNotFoundError ? notFound() : err;
  }
}

/**
 * Sends an update (see api/temporal-refusals.ts). A request that has reached a final status
 * answers as its workflow would have: 403 to those it does not admit, 409 to the others.
 */
function sendUpdate<Ret>(
  handle: WorkflowHandle,
  send: (handle: WorkflowHandle) => Promise<Ret>,
  admits: (audience: ApplicationRoleAudience) => boolean,
): Promise<Ret> {
  return sendUpdateWith(
    {
      refused: refusalAsProblem,
      async finished(finishedHandle) {
        const audience = await audienceOf(finishedHandle);
        if (!admits(audience)) return new HttpProblem(403, 'this application-role request is not yours to change');
        return new HttpProblem(409, `the request is ${audience.status}: it takes no more changes`, [], { requestStatus: audience.status });
      },
    },
    handle,
    send,
  );
}

/**
 * An approver's decision on an application-role request (JSON route and console alike): the body
 * checked with `decisionSchema`, then the workflow's update, which admits only the routed approvers.
 */
export async function decideApplicationRole(
  temporal: Client,
  requestId: string,
  body: unknown,
  account: Principal,
): Promise<ApplicationRoleStatusResult> {
  const handle = temporal.workflow.getHandle(applicationRoleWorkflowIdFor(requestId));
  const decision = parse(decisionSchema, body, 'decision');
  const approver: ApplicationRolePrincipal = await applicationRolePrincipalOf(account);
  const routed = (audience: ApplicationRoleAudience) =>
    audience.route !== undefined && mayDecideApplicationRole(approver, audience.route, audience.requesterUserId);
  return sendUpdate(handle, (h) => h.executeUpdate(decideApplicationRoleUpdate, { args: [{ ...decision, approver }] }), routed);
}

/**
 * An account asks for an application role (`applicationRoleRequestSchema`): eligible, not held
 * already, its key claimed (api/request-claims.ts), then the workflow starts. Returns the request id.
 */
async function requestApplicationRole(
  deps: ApplicationRoleRouteDeps,
  account: { userId: string; roles: Parameters<typeof mayRequestApplicationRole>[0] },
  rawBody: unknown,
): Promise<string> {
  const body = parse(applicationRoleRequestSchema, rawBody, 'application-role request');
  const { userId, roles } = account;
  const eligibility = mayRequestApplicationRole(roles, body.userGroupId);
  if (!eligibility.eligible) throw new HttpProblem(403, eligibility.reason);
  const application = deps.applications.find((a) => a.id === body.applicationId);
  if (application === undefined)
    throw new HttpProblem(422, 'no such application', [{ path: 'applicationId', message: 'is not an application of the catalog' }]);
  if ((await applicationRolesOf(userId)).some((grant) => sameApplicationRole(grant, body)))
    throw new HttpProblem(409, 'you already hold this application role');

  const requestId = randomUUID();
  const key = applicationRoleKey(userId, body);
  await claimApplicationRoleKey(deps.temporal, key, requestId);
  const input: ApplicationRoleWorkflowInput = {
    requestId,
    requesterUserId: userId,
    applicationId: application.id,
    applicationName: application.name,
    role: body.role,
    userGroupId: body.userGroupId,
    organizationId: eligibility.organizationId,
    approvalDeadlines: await currentApprovalDeadlines(deps.approvalDeadlines),
  };
  const workflowId = applicationRoleWorkflowIdFor(requestId);
  addLogContext({ workflowId });
  try {
    await deps.temporal.workflow.start<ApplicationRoleWorkflow>(APPLICATION_ROLE_WORKFLOW, {
      taskQueue: deps.taskQueue,
      workflowId,
      args: [input],
      // What the Web UI shows of the workflow without decoding: its kind, application and role.
      staticSummary: `Application role · ${input.applicationName} · ${input.role}`,
    });
  } catch (err) {
    await releaseApplicationRoleKey(key, requestId);
    throw err;
  }
  return requestId;
}

export function applicationRoleRoutes(deps: ApplicationRoleRouteDeps): Router {
  const router = Router();
  const idempotency = idempotent(deps.keys);
  const applicationName = (id: string) => deps.applications.find((a) => a.id === id)?.name ?? id;
  const handleOf = (req: Request) => {
    const workflowId = applicationRoleWorkflowIdFor(parse(applicationRoleRequestIdSchema, req.params.id, 'request id', 'id'));
    addLogContext({ workflowId });
    return deps.temporal.workflow.getHandle(workflowId);
  };

  router.get('/applications', guard('account:use', deps), (_req, res) => {
    res.json(deps.applications);
  });

  router.get('/me/application-roles', guard('account:use', deps), async (_req, res) => {
    const grants = await applicationRolesOf(accountOf(res).userId);
    res.json(grants.map((grant) => ({ ...grant, application: applicationName(grant.applicationId) })));
  });

  router.post('/me/application-roles', guard('application-role:request', deps), idempotency, async (req, res) => {
    const requestId = await requestApplicationRole(deps, accountOf(res), req.body);
    res.status(202).location(`/application-role-requests/${requestId}`).json({ id: requestId, status: 'AWAITING_APPROVAL' });
  });

  /**
   * The request's view and audience from the read model (one read by `_id`); from the workflow
   * itself only in the first instant, before it has recorded the request.
   */
  async function viewAndAudienceOf(req: Request): Promise<{ view: ApplicationRoleView; audience: ApplicationRoleAudience }> {
    const id = parse(applicationRoleRequestIdSchema, req.params.id, 'request id', 'id');
    const stored = await ApplicationRoleRequestModel.findById(id, { view: 1, route: 1 }).lean();
    const view = applicationRoleViewSchema.safeParse(stored?.view);
    if (view.success) {
      return {
        view: view.data,
        audience: { requesterUserId: view.data.requesterUserId, status: view.data.status, route: storedApplicationRoleRoute(stored) },
      };
    }
    const handle = handleOf(req);
    const audience = await audienceOf(handle);
    return { audience, view: await handle.query(applicationRoleViewQuery) };
  }

  router.get('/application-role-requests/:id', guard('application-role:follow', deps), async (req, res) => {
    const caller = accountOf(res);
    const { view, audience } = await viewAndAudienceOf(req);
    const mayFollow = async () =>
      caller.userId === audience.requesterUserId ||
      (audience.route !== undefined && mayDecideApplicationRole(await applicationRolePrincipalOf(caller), audience.route));
    if (!(await mayFollow())) throw new HttpProblem(403, 'only the requester and the approvers of this request may follow it');
    res.json({ ...view, application: applicationName(view.applicationId) });
  });

  router.post('/application-role-requests/:id/decision', guard('application-role:decide', deps), idempotency, async (req, res) => {
    const requestId = parse(applicationRoleRequestIdSchema, req.params.id, 'request id', 'id');
    res.json(await decideApplicationRole(deps.temporal, requestId, req.body, accountOf(res)));
  });

  router.post('/application-role-requests/:id/cancel', guard('application-role:cancel', deps), noBody, async (req, res) => {
    const handle = handleOf(req);
    const { userId } = accountOf(res);
    const requester = (audience: ApplicationRoleAudience) => audience.requesterUserId === userId;
    res.json(
      await sendUpdate(handle, (h) => h.executeUpdate(cancelApplicationRoleUpdate, { args: [{ requesterUserId: userId }] }), requester),
    );
  });

  return router;
}
