/** The applicant's routes (shared/API.md): start a registration and move it along. */
import { sealCode, sealIdentity } from '../security/sealed-identity';
import { randomUUID } from 'node:crypto';
import { Router, type Request } from 'express';
import type { WorkflowHandle } from '@temporalio/client';
import { detailsSchemaFor, emailCodeSchema, newRegistrationSchema, roleRequestSchema, type RegistrationDetails } from '../domain/schemas';
import { AccountModel, PersonModel } from '../models/account';
import { storedRegistrationView, type StoredRegistrationView } from '../models/registration-view';
import type { RegistrationPolicy } from '../domain/registration-policy';
import { keyedHash, randomToken, tokenHash } from '../security/secrets';
import {
  cancelUpdate,
  provideDetailsUpdate,
  REGISTRATION_WORKFLOW,
  type RegistrationWorkflow,
  registrationDetailsQuery,
  registrationViewQuery,
  resendEmailCodeUpdate,
  submitUpdate,
  verifyEmailCodeUpdate,
  workflowIdFor,
  type RegistrationView,
  type RegistrationWorkflowInput,
  type StatusResult,
} from '../workflows/messages';
import type { RateRuleName, RateRules } from '../domain/abuse-limits';
import { addLogContext } from '../infra/logger';
import { noBody } from './empty-input';
import { parsedRegistrationView } from './read-models';
import { currentApprovalDeadlines, type ApprovalDeadlines } from './deadline-routes';
import { accountOf, guard, storedRegistrationOf, type GuardDeps } from './guard';
import { idempotent } from './idempotency';
import { claimPerson, releasePerson } from './request-claims';
import { byAddress, byBodyField, byPathId, rateLimit } from './rate-limit';
import { HttpProblem, parse } from './problem';
import { refusalsAsProblems, sendUpdate } from './temporal-refusals';

/** What the applicant's use cases need: Temporal, the keys, and the policies a new registration starts with. */
export type RegistrationDeps = GuardDeps & { taskQueue: string; policy: RegistrationPolicy; approvalDeadlines: ApprovalDeadlines };

/** Starts one registration workflow; the applicant token that follows it is returned once, never stored in clear. */
async function startRegistration(
  deps: RegistrationDeps,
  request: Omit<RegistrationWorkflowInput, 'registrationId' | 'applicantTokenHash' | 'policy'>,
  registrationId: string = randomUUID(),
): Promise<{ registrationId: string; applicantToken: string }> {
  const applicantToken = randomToken();
  const input: RegistrationWorkflowInput = {
    ...request,
    registrationId,
    applicantTokenHash: tokenHash(deps.keys, applicantToken),
    policy: deps.policy,
    approvalDeadlines: await currentApprovalDeadlines(deps.approvalDeadlines),
  };
  const workflowId = workflowIdFor(registrationId);
  addLogContext({ workflowId });
  await deps.temporal.workflow.start<RegistrationWorkflow>(REGISTRATION_WORKFLOW, {
    taskQueue: deps.taskQueue,
    workflowId,
    args: [input],
    // What the Web UI shows of the workflow without decoding: its kind and role, no personal data.
    staticSummary: `Registration · ${request.role}`,
  });
  return { registrationId, applicantToken };
}

/**
 * A new person registers (JSON route and console alike): the body checked with
 * `newRegistrationSchema`, one person one account, then the workflow starts.
 */
export async function registerNewPerson(
  deps: RegistrationDeps,
  body: unknown,
): Promise<{ registrationId: string; applicantToken: string }> {
  const registration = parse(newRegistrationSchema, body, 'registration');
  const ssnHash = keyedHash(deps.keys, 'ssn', registration.identity.ssn);
  // One person, one account for life: a second self-registration is pointed to "add a role".
  if (await PersonModel.exists({ _id: ssnHash }))
    throw new HttpProblem(409, 'this person already has an account: log in and request another role with POST /me/role-requests', [
      { path: 'identity.ssn', message: 'already belongs to an account' },
    ]);
  // And one registration at a time: two racing ones cannot both make an account.
  const registrationId = randomUUID();
  await claimPerson(deps.temporal, ssnHash, registrationId);
  try {
    return await startRegistration(
      deps,
      {
        community: registration.community,
        role: registration.role,
        sealedIdentity: sealIdentity(deps.keys, registration.identity),
        email: registration.email,
      },
      registrationId,
    );
  } catch (err) {
    await releasePerson(ssnHash, registrationId);
    throw err;
  }
}

/** The workflow of a registration whose applicant token has already been checked. */
function handleOf(deps: RegistrationDeps, registrationId: string): WorkflowHandle {
  const workflowId = workflowIdFor(registrationId);
  addLogContext({ workflowId });
  return deps.temporal.workflow.getHandle(workflowId);
}

/**
 * The public view from the read model (one read by `_id`, or what the token check already read);
 * the workflow itself until it has written one.
 */
export async function registrationViewOf(
  deps: RegistrationDeps,
  registrationId: string,
  stored?: StoredRegistrationView,
): Promise<RegistrationView> {
  const found = stored ?? (await storedRegistrationView(registrationId));
  const view = found && parsedRegistrationView(found);
  if (view) return view;
  return refusalsAsProblems(() => handleOf(deps, registrationId).query(registrationViewQuery));
}

/**
 * The public view as JSON text: the record's own text when the token check read it (the record
 * is written only by the workflow, from its typed view), else `registrationViewOf`'s.
 */
async function registrationViewJsonOf(deps: RegistrationDeps, registrationId: string, stored?: StoredRegistrationView): Promise<string> {
  return stored?.viewJson ?? JSON.stringify(await registrationViewOf(deps, registrationId, stored));
}

/** The emailed code (`emailCodeSchema`); a wrong one is 422 naming `code`, with the attempts left. */
export async function verifyEmailCode(deps: RegistrationDeps, registrationId: string, body: unknown): Promise<StatusResult> {
  const { code } = parse(emailCodeSchema, body, 'verification');
  const result = await sendUpdate(handleOf(deps, registrationId), (h) =>
    h.executeUpdate(verifyEmailCodeUpdate, { args: [sealCode(deps.keys, code)] }),
  );
  if (!result.accepted)
    throw new HttpProblem(422, 'the code is not correct', [{ path: 'code', message: 'is not correct' }], {
      attemptsLeft: result.attemptsLeft,
      registrationStatus: result.status,
    });
  return { status: result.status };
}

export function resendEmailCode(deps: RegistrationDeps, registrationId: string): Promise<StatusResult> {
  return sendUpdate(handleOf(deps, registrationId), (h) => h.executeUpdate(resendEmailCodeUpdate));
}

/** Professional details, checked with the schema of the registration's role (`detailsSchemaFor`), then assessed by the workflow. */
export async function provideDetails(
  deps: RegistrationDeps,
  registrationId: string,
  body: unknown,
  stored?: StoredRegistrationView,
): Promise<StatusResult & { reason?: string }> {
  const { role } = await registrationViewOf(deps, registrationId, stored);
  const details = parse(detailsSchemaFor(role), body, 'details');
  return sendUpdate(handleOf(deps, registrationId), (h) => h.executeUpdate(provideDetailsUpdate, { args: [details] }));
}

/** The details the workflow last accepted (for the review before submission), if any. */
export async function registrationDetailsOf(deps: RegistrationDeps, registrationId: string): Promise<RegistrationDetails | undefined> {
  const details = await refusalsAsProblems(() => handleOf(deps, registrationId).query(registrationDetailsQuery));
  return details ?? undefined;
}

export function submitRegistration(deps: RegistrationDeps, registrationId: string): Promise<StatusResult & { trackingNumber: string }> {
  return sendUpdate(handleOf(deps, registrationId), (h) => h.executeUpdate(submitUpdate));
}

export function cancelRegistration(deps: RegistrationDeps, registrationId: string): Promise<StatusResult> {
  return sendUpdate(handleOf(deps, registrationId), (h) => h.executeUpdate(cancelUpdate));
}

export function registrationRoutes(deps: RegistrationDeps & { rateRules: RateRules }): Router {
  const router = Router();
  const limit = (name: RateRuleName, subjectOf: Parameters<typeof rateLimit>[2]) => rateLimit(deps.rateRules, name, subjectOf);
  const follow = guard('registration:follow', deps);
  const idOf = (req: Request) => String(req.params.id);
  const idempotency = idempotent(deps.keys);

  router.post(
    '/registrations',
    limit('registrationsPerAddress', byAddress),
    limit('registrationsPerEmail', byBodyField('email')),
    guard('registration:start', deps),
    idempotency,
    async (req, res) => {
      const { registrationId, applicantToken } = await registerNewPerson(deps, req.body);
      res
        .status(202)
        .location(`/registrations/${registrationId}`)
        .json({ id: registrationId, applicantToken, status: 'VALIDATING_IDENTITY' });
    },
  );

  router.post('/me/role-requests', guard('registration:request-role', deps), idempotency, async (req, res) => {
    const body = parse(roleRequestSchema, req.body, 'role request');
    const account = await AccountModel.findById(accountOf(res).userId).lean();
    if (!account) throw new HttpProblem(401, 'the account is gone');
    const { registrationId, applicantToken } = await startRegistration(deps, {
      community: body.community,
      role: body.role,
      applicantUserId: account.userId,
      email: account.email,
    });
    res.status(202).location(`/registrations/${registrationId}`).json({ id: registrationId, applicantToken, status: 'AWAITING_DETAILS' });
  });

  router.get('/registrations/:id', follow, async (req, res) => {
    res.type('application/json').send(await registrationViewJsonOf(deps, idOf(req), storedRegistrationOf(req)));
  });

  router.post(
    '/registrations/:id/email-verification',
    limit('codeAttemptsPerAddress', byAddress),
    follow,
    // Counted only for the applicant: others must not spend the applicant's attempts.
    limit('codeAttemptsPerRegistration', byPathId),
    async (req, res) => {
      res.json(await verifyEmailCode(deps, idOf(req), req.body));
    },
  );

  router.post(
    '/registrations/:id/email-verification/resend',
    limit('resendsPerAddress', byAddress),
    follow,
    limit('resendsPerRegistration', byPathId),
    noBody,
    async (req, res) => {
      res.status(202).json(await resendEmailCode(deps, idOf(req)));
    },
  );

  router.put('/registrations/:id/details', follow, async (req, res) => {
    res.json(await provideDetails(deps, idOf(req), req.body, storedRegistrationOf(req)));
  });

  router.get('/registrations/:id/details', follow, async (req, res) => {
    const details = await registrationDetailsOf(deps, idOf(req));
    if (!details) throw new HttpProblem(404, 'no details have been given for this registration yet');
    res.json(details);
  });

  router.post('/registrations/:id/submit', follow, noBody, async (req, res) => {
    res.json(await submitRegistration(deps, idOf(req)));
  });

  router.post('/registrations/:id/cancel', follow, noBody, async (req, res) => {
    res.json(await cancelRegistration(deps, idOf(req)));
  });

  return router;
}
