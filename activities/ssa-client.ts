/** The SSA identity-validation client: HTTP to a configurable endpoint (our simulator in development). */
import { ApplicationFailure } from '@temporalio/activity';
import { z } from 'zod';
import type { Identity } from '../domain/schemas';

/** What the SSA answers (see simulators/ssa-simulator.ts). */
const ssaAnswerSchema = z.object({ result: z.enum(['MATCH', 'NO_MATCH']) });

export interface SsaClient {
  validate(identity: Identity): Promise<{ matches: boolean }>;
}

export function createSsaClient(endpoint: string, timeoutMs = 10_000): SsaClient {
  return {
    async validate(identity) {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(identity),
        signal: AbortSignal.timeout(timeoutMs),
      });
      // 4xx: our request is wrong and asking again will not help; anything else may pass later.
      if (response.status >= 400 && response.status < 500)
        throw ApplicationFailure.nonRetryable(`SSA refused the validation request (${response.status})`, 'InvalidIdentityRequest');
      if (!response.ok) throw new Error(`SSA identity validation unavailable (${response.status})`);
      const answer = ssaAnswerSchema.safeParse(await response.json());
      if (!answer.success) throw new Error('SSA answered with an unknown result');
      return { matches: answer.data.result === 'MATCH' };
    },
  };
}
