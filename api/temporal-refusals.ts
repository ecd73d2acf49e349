/**
 * Turns a workflow's refusal of a message into the HTTP answer the contract names: the one
 * mapping for both kinds of request (each names the HTTP status of its refusal types).
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { REFUSALS, registrationViewQuery, type RefusalType } from '../workflows/messages';
import { HttpProblem } from './problem';

const STATUS_BY_REFUSAL: Record<RefusalType, number> = {
  [REFUSALS.WRONG_STATUS]: 409,
  [REFUSALS.EMAIL_CODE_EXPIRED]: 410,
  [REFUSALS.EMAIL_CODE_LOCKED]: 422,
  [REFUSALS.RESEND_LIMIT]: 409,
  [REFUSALS.INVALID_DETAILS]: 422,
  [REFUSALS.ROLE_ALREADY_REQUESTED]: 409,
  [REFUSALS.NOT_ROUTED]: 403,
};

/** What a refusal carries as its first detail (workflows/messages.ts RefusalDetails, application-role-messages.ts likewise). */
const refusalDetailsSchema = z.object({
  status: z.string().optional(),
  attemptsLeft: z.number().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Refusal = { status: number; message: string; details: z.infer<typeof refusalDetailsSchema> };

/** The refusal an update failed with, if its type is one of `statusByType`'s, with the HTTP status it stands for. */
export function refusalOf(err: unknown, statusByType: Readonly<Record<string, number>>): Refusal | undefined {
  if (!(err instanceof WorkflowUpdateFailedError) || !(err.cause instanceof ApplicationFailure)) return undefined;
  const { type, message, details } = err.cause;
  const status = type != null && Object.hasOwn(statusByType, type) ? statusByType[type] : undefined;
  if (status === undefined) return undefined;
  const parsed = refusalDetailsSchema.safeParse(details?.[0] ?? {});
  return { status, message, details: parsed.success ? parsed.data : {} };
}

export function asHttpProblem(err: unknown): unknown {
  if (err instanceof WorkflowNotFoundError) return new HttpProblem(404, 'no such registration');
  const refusal = refusalOf(err, STATUS_BY_REFUSAL);
  if (refusal === undefined) return err;
  const { status, attemptsLeft, errors } = refusal.details;
  return new HttpProblem(refusal.status, refusal.message, errors ?? [], {
    registrationStatus: status,
    ...(attemptsLeft !== undefined && { attemptsLeft }),
  });
}

/** Runs a Temporal call and rethrows its refusals as problems. */
export async function refusalsAsProblems<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw asHttpProblem(err);
  }
}

/** How one kind of request answers a refused update, and an update to a request that has finished. */
interface UpdateAnswers {
  refused: (err: unknown) => unknown;
  finished: (handle: WorkflowHandle) => Promise<HttpProblem>;
}

/**
 * Sends an update to a request's workflow. A workflow that has reached a final status takes no
 * more messages; the server then says "not found", but the request exists, so `finished` gives
 * the answer its workflow would have given.
 */
export async function sendUpdateWith<Ret>(
  answers: UpdateAnswers,
  handle: WorkflowHandle,
  send: (handle: WorkflowHandle) => Promise<Ret>,
): Promise<Ret> {
  try {
    return await send(handle);
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw answers.refused(err);
    throw await answers.finished(handle);
  }
}

/** A finished registration: 409 (410 for an expired email code) with its status, like any other message its status refuses. */
const REGISTRATION_ANSWERS: UpdateAnswers = {
  refused: asHttpProblem,
  async finished(handle) {
    const view = await refusalsAsProblems(() => handle.query(registrationViewQuery));
    if (view.status === 'EMAIL_VERIFICATION_EXPIRED')
      return new HttpProblem(410, 'the email verification code has expired', [], { registrationStatus: view.status });
    return new HttpProblem(409, `the registration is ${view.status}: it takes no more changes`, [], { registrationStatus: view.status });
  },
};

/** Sends an update to a registration's workflow (see `sendUpdateWith`). */
export function sendUpdate<Ret>(handle: WorkflowHandle, send: (handle: WorkflowHandle) => Promise<Ret>): Promise<Ret> {
  return sendUpdateWith(REGISTRATION_ANSWERS, handle, send);
}
