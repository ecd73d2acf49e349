/** The applicant's routes (shared/API.md): start a registration and move it along. */
import { sealCode, sealIdentity } from '../security/sealed-identity';
import { randomUUID } from 'node:crypto';
import { Router, type Request } from 'express';
import type { WorkflowHandle } from '@temporalio/client';
import { detailsSchemaFor, emailCodeSchema, newRegistrationSchema, roleRequestSchema } from '../domain/schemas';
import { AccountModel, PersonModel } from '../models/account';
import { RegistrationModel } from '../models/registration';
import type { RegistrationPolicy } from '../machines/registration';
import { keyedHash, randomToken, tokenHash } from '../security/secrets';
import {
  cancelUpdate,
  provideDetailsUpdate,
  REGISTRATION_WORKFLOW,
  registrationViewQuery,
  resendEmailCodeUpdate,
  submitUpdate,
  verifyEmailCodeUpdate,
  workflowIdFor,
  type RegistrationView,
  type RegistrationWorkflowInput,
} from '../workflows/messages';
import type { RateRuleName, RateRules } from '../domain/abuse-limits';
import { addLogContext } from '../infra/logger';
import { noBody } from './empty-input';
import { registrationViewSchema } from './read-models';
import { currentApprovalDeadlines, type ApprovalDeadlines } from './deadline-routes';
import { accountOf, guard, storedRegistrationOf, type GuardDeps } from './guard';
import { byAddress, byBodyField, byPathId, rateLimit } from './rate-limit';
import { HttpProblem, parse } from './problem';
import { refusalsAsProblems, sendUpdate } from './temporal-refusals';

export function registrationRoutes(
  deps: GuardDeps & { taskQueue: string; policy: RegistrationPolicy; rateRules: RateRules; approvalDeadlines: ApprovalDeadlines },
): Router {
  const router = Router();
  const limit = (name: RateRuleName, subjectOf: Parameters<typeof rateLimit>[2]) => rateLimit(deps.rateRules, name, subjectOf);

  /** Starts one registration workflow; the applicant token that follows it is returned once, never stored in clear. */
  async function startRegistration(request: Omit<RegistrationWorkflowInput, 'registrationId' | 'applicantTokenHash' | 'policy'>) {
    const registrationId = randomUUID();
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
    await deps.temporal.workflow.start(REGISTRATION_WORKFLOW, {
      taskQueue: deps.taskQueue,
      workflowId,
      args: [input],
      // What the Web UI shows of the workflow without decoding: its kind and role, no personal data.
      staticSummary: `Registration · ${request.role}`,
    });
    return { registrationId, applicantToken };
  }

  const follow = guard('registration:follow', deps);
  /** The workflow of `:id`; `follow` has already checked the applicant token. */
  const handleOf = (req: Request): WorkflowHandle => {
    const workflowId = workflowIdFor(String(req.params.id));
    addLogContext({ workflowId });
    return deps.temporal.workflow.getHandle(workflowId);
  };

  router.post(
    '/registrations',
    limit('registrationsPerAddress', byAddress),
    limit('registrationsPerEmail', byBodyField('email')),
    guard('registration:start', deps),
    async (req, res) => {
      const body = parse(newRegistrationSchema, req.body, 'registration');
      // One person, one account for life: a second self-registration is pointed to "add a role".
      if (await PersonModel.exists({ _id: keyedHash(deps.keys, 'ssn', body.identity.ssn) }))
        throw new HttpProblem(409, 'this person already has an account: log in and request another role with POST /me/role-requests', [
          { path: 'identity.ssn', message: 'already belongs to an account' },
        ]);
      const { registrationId, applicantToken } = await startRegistration({
        community: body.community,
        role: body.role,
        sealedIdentity: sealIdentity(deps.keys, body.identity),
        email: body.email,
      });
      res
        .status(202)
        .location(`/registrations/${registrationId}`)
        .json({ id: registrationId, applicantToken, status: 'VALIDATING_IDENTITY' });
    },
  );

  router.post('/me/role-requests', guard('registration:request-role', deps), async (req, res) => {
    const body = parse(roleRequestSchema, req.body, 'role request');
    const account = await AccountModel.findById(accountOf(res).userId).lean();
    if (!account) throw new HttpProblem(401, 'the account is gone');
    const { registrationId, applicantToken } = await startRegistration({
      community: body.community,
      role: body.role,
      applicantUserId: account.userId,
      email: account.email,
    });
    res.status(202).location(`/registrations/${registrationId}`).json({ id: registrationId, applicantToken, status: 'AWAITING_DETAILS' });
  });

  /** The public view from the read model (one read by `_id`); the workflow itself until it has written one. */
  async function viewOf(req: Request): Promise<RegistrationView> {
    const stored = storedRegistrationOf(req) ?? (await RegistrationModel.findById(String(req.params.id), { view: 1 }).lean());
    if (stored?.view) return registrationViewSchema.parse(stored.view);
    return refusalsAsProblems(() => handleOf(req).query(registrationViewQuery));
  }

  router.get('/registrations/:id', follow, async (req, res) => {
    res.json(await viewOf(req));
  });

  router.post(
    '/registrations/:id/email-verification',
    limit('codeAttemptsPerAddress', byAddress),
    follow,
    // Counted only for the applicant: others must not spend the applicant's attempts.
    limit('codeAttemptsPerRegistration', byPathId),
    async (req, res) => {
      const handle = handleOf(req);
      const { code } = parse(emailCodeSchema, req.body, 'verification');
      const result = await sendUpdate(handle, (h) => h.executeUpdate(verifyEmailCodeUpdate, { args: [sealCode(deps.keys, code)] }));
      if (!result.accepted)
        throw new HttpProblem(422, 'the code is not correct', [{ path: 'code', message: 'is not correct' }], {
          attemptsLeft: result.attemptsLeft,
          registrationStatus: result.status,
        });
      res.json({ status: result.status });
    },
  );

  router.post(
    '/registrations/:id/email-verification/resend',
    limit('resendsPerAddress', byAddress),
    follow,
    limit('resendsPerRegistration', byPathId),
    noBody,
    async (req, res) => {
      const handle = handleOf(req);
      res.status(202).json(await sendUpdate(handle, (h) => h.executeUpdate(resendEmailCodeUpdate)));
    },
  );

  router.put('/registrations/:id/details', follow, async (req, res) => {
    const handle = handleOf(req);
    const { role } = await viewOf(req);
    const details = parse(detailsSchemaFor(role), req.body, 'details');
    res.json(await sendUpdate(handle, (h) => h.executeUpdate(provideDetailsUpdate, { args: [details] })));
  });

  router.post('/registrations/:id/submit', follow, noBody, async (req, res) => {
    const handle = handleOf(req);
    res.json(await sendUpdate(handle, (h) => h.executeUpdate(submitUpdate)));
  });

  router.post('/registrations/:id/cancel', follow, noBody, async (req, res) => {
    const handle = handleOf(req);
    res.json(await sendUpdate(handle, (h) => h.executeUpdate(cancelUpdate)));
  });

  return router;
}
