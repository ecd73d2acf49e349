/**
 * Nothing an applicant submitted is lost when the whole service stops and starts again:
 * Temporal keeps its SQLite store and FerretDB its files in the same data directory.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local-stack';
import { ApiClient, Journey, contact } from '../support/api-client';
import { testStackEnv } from '../support/stack';

const dataDir = mkdtempSync(join(tmpdir(), 'iacs-restart-'));
let stack: LocalStack | undefined;

afterAll(async () => {
  await stack?.stop();
});

it('a registration survives a full stop and start of every server', async () => {
  stack = await startLocalStack({ dataDir, env: testStackEnv(), persistTemporal: true });
  let journey = new Journey(new ApiClient(stack.apiUrl), stack.mailCatcherUrl!);
  const applicant = await journey.register('SECURITY_OFFICIAL', 'restart@example.test');
  await journey.verifyEmail(applicant);
  const details = await journey.api.call('PUT', `/registrations/${applicant.id}/details`, {
    token: applicant.token,
    body: {
      contact,
      justification: 'Security Official of a clinic.',
      organization: { name: 'Restart Clinic', country: 'US', state: 'VA', providerType: 'HOSPITAL' },
    },
  });
  expect(details.status).toBe(200);
  await stack.stop();
  stack = undefined;

  stack = await startLocalStack({ dataDir, env: testStackEnv(), persistTemporal: true });
  journey = new Journey(new ApiClient(stack.apiUrl), stack.mailCatcherUrl!);
  const view = await journey.view(applicant);
  expect(view.status).toBe(200);
  expect(view.body.status).toBe('AWAITING_DETAILS');
  // The details given before the restart are still there: submit needs them.
  const submit = await journey.api.call<{ status: string; trackingNumber: string }>('POST', `/registrations/${applicant.id}/submit`, {
    token: applicant.token,
  });
  expect(submit.status).toBe(200);
  expect(submit.body.status).toBe('AWAITING_APPROVAL');
  const helpDesk = await journey.login(stack.config.helpDesk.userId, stack.config.helpDesk.password);
  const queue = await journey.api.call<{ id: string; organization: string }[]>('GET', '/approvals', { token: helpDesk.body.token });
  expect(queue.body).toContainEqual(expect.objectContaining({ id: applicant.id, organization: 'Restart Clinic' }));
}, 180_000);
