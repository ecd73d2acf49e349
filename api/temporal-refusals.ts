/** Turns a workflow's refusal of a message into the HTTP answer the contract names. */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { REFUSALS, registrationViewQuery, type RefusalDetails, type RefusalType } from '../workflows/messages';
import { HttpProblem } from './problem';

const STATUS_BY_REFUSAL: Record<RefusalType, number> = {
  [REFUSALS.WRONG_STATUS]: 409,
  [REFUSALS.EMAIL_CODE_EXPIRED]: 410,
  [REFUSALS.EMAIL_CODE_LOCKED]: 422,
  [REFUSALS.RESEND_LIMIT]: 409,
  [REFUSALS.INVALID_DETAILS]: 422,
  [REFUSALS.NOT_ROUTED]: 403,
};

export function asHttpProblem(err: unknown): unknown {
  if (err instanceof WorkflowNotFoundError) return new HttpProblem(404, 'no such registration');
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const failure = err.cause;
    const status = STATUS_BY_REFUSAL[failure.type as RefusalType];
    if (status !== undefined) {
      const details = (failure.details?.[0] ?? {}) as RefusalDetails;
      const extra: Record<string, unknown> = { registrationStatus: details.status };
      if (details.attemptsLeft !== undefined) extra.attemptsLeft = details.attemptsLeft;
      return new HttpProblem(status, failure.message, details.errors ?? [], extra);
    }
  }
  return err;
}

/** Runs a Temporal call and rethrows its refusals as problems. */
export async function refusalsAsProblems<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw asHttpProblem(err);
  }
}

/**
 * Sends an update to a registration's workflow. A workflow that has reached a final status takes
 * no more messages; the server then says "not found", but the registration exists: 409 (410 for
 * an expired email code) with its status, like any other message its status refuses.
 */
export async function sendUpdate<Ret>(handle: WorkflowHandle, send: (handle: WorkflowHandle) => Promise<Ret>): Promise<Ret> {
  try {
    return await send(handle);
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw asHttpProblem(err);
    const view = await refusalsAsProblems(() => handle.query(registrationViewQuery));
    if (view.status === 'EMAIL_VERIFICATION_EXPIRED')
      throw new HttpProblem(410, 'the email verification code has expired', [], { registrationStatus: view.status });
    throw new HttpProblem(409, `the registration is ${view.status}: it takes no more changes`, [], { registrationStatus: view.status });
  }
}
