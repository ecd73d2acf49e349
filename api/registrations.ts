/** The applicant's routes (shared/API.md): start a registration and move it along. */
import { randomUUID } from 'node:crypto';
import { Router, type Request } from 'express';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { detailsSchemaFor, emailCodeSchema, newRegistrationSchema, registrationIdSchema } from '../domain/schemas';
import type { RegistrationPolicy } from '../machines/registration';
import { randomToken, sameHash, tokenHash } from '../security/secrets';
import {
  applicantTokenHashQuery,
  cancelUpdate,
  provideDetailsUpdate,
  REGISTRATION_WORKFLOW,
  registrationViewQuery,
  resendEmailCodeUpdate,
  submitUpdate,
  verifyEmailCodeUpdate,
  workflowIdFor,
  type RegistrationWorkflowInput,
} from '../workflows/messages';
import { bearerToken } from './bearer';
import { HttpProblem, parse } from './problem';
import { refusalsAsProblems } from './temporal-refusals';

export function registrationRoutes(deps: { temporal: Client; taskQueue: string; policy: RegistrationPolicy }): Router {
  const router = Router();

  /** The workflow of `:id`, once the caller shows the applicant token issued for it. */
  async function applicantHandle(req: Request): Promise<WorkflowHandle> {
    const id = parse(registrationIdSchema, req.params.id, 'registration id', 'id');
    const token = bearerToken(req);
    const handle = deps.temporal.workflow.getHandle(workflowIdFor(id));
    const expected = await refusalsAsProblems(() => handle.query(applicantTokenHashQuery));
    if (!sameHash(expected, tokenHash(token))) throw new HttpProblem(401, 'the applicant token does not open this registration');
    return handle;
  }

  router.post('/registrations', async (req, res) => {
    const body = parse(newRegistrationSchema, req.body, 'registration');
    const registrationId = randomUUID();
    const applicantToken = randomToken();
    const input: RegistrationWorkflowInput = {
      registrationId,
      community: body.community,
      role: body.role,
      identity: body.identity,
      email: body.email,
      applicantTokenHash: tokenHash(applicantToken),
      policy: deps.policy,
    };
    await deps.temporal.workflow.start(REGISTRATION_WORKFLOW, { taskQueue: deps.taskQueue, workflowId: workflowIdFor(registrationId), args: [input] });
    res.status(202).location(`/registrations/${registrationId}`).json({ id: registrationId, applicantToken, status: 'VALIDATING_IDENTITY' });
  });

  router.get('/registrations/:id', async (req, res) => {
    const handle = await applicantHandle(req);
    res.json(await refusalsAsProblems(() => handle.query(registrationViewQuery)));
  });

  router.post('/registrations/:id/email-verification', async (req, res) => {
    const handle = await applicantHandle(req);
    const { code } = parse(emailCodeSchema, req.body, 'verification');
    const result = await refusalsAsProblems(() => handle.executeUpdate(verifyEmailCodeUpdate, { args: [code] }));
    if (!result.accepted)
      throw new HttpProblem(422, 'the code is not correct', [{ path: 'code', message: 'is not correct' }], { attemptsLeft: result.attemptsLeft, registrationStatus: result.status });
    res.json({ status: result.status });
  });

  router.post('/registrations/:id/email-verification/resend', async (req, res) => {
    const handle = await applicantHandle(req);
    res.status(202).json(await refusalsAsProblems(() => handle.executeUpdate(resendEmailCodeUpdate)));
  });

  router.put('/registrations/:id/details', async (req, res) => {
    const handle = await applicantHandle(req);
    const { role } = await refusalsAsProblems(() => handle.query(registrationViewQuery));
    const details = parse(detailsSchemaFor(role), req.body, 'details');
    res.json(await refusalsAsProblems(() => handle.executeUpdate(provideDetailsUpdate, { args: [details] })));
  });

  router.post('/registrations/:id/submit', async (req, res) => {
    const handle = await applicantHandle(req);
    res.json(await refusalsAsProblems(() => handle.executeUpdate(submitUpdate)));
  });

  router.post('/registrations/:id/cancel', async (req, res) => {
    const handle = await applicantHandle(req);
    res.json(await refusalsAsProblems(() => handle.executeUpdate(cancelUpdate)));
  });

  return router;
}
