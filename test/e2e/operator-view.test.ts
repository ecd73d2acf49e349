/**
 * Operators in the Temporal Web UI: every request keeps custom search attributes (tracking number,
 * status, role, organization, kind) and current details up to date, so the UI and `temporal
 * workflow list --query` find it without decoding anything; none of it is personal data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { LocalStack } from '../../infra/local-stack';
import { connectTemporalClient } from '../../infra/temporal-connection';
import { registrationViewQuery, workflowIdFor } from '../../workflows/messages';
import { ApiClient, Journey } from '../support/api-client';
import { waitForMessage } from '../support/mailbox';
import { startTestStack } from '../support/stack';

let stack: LocalStack;
let journey: Journey;
let temporal: Client;

beforeAll(async () => {
  stack = await startTestStack();
  journey = new Journey(new ApiClient(stack.apiUrl), stack.mailCatcherUrl!);
  temporal = await connectTemporalClient({ ...stack.config.temporal, payloadKeys: stack.config.payloadKeys });
});
afterAll(async () => {
  await temporal?.connection.close();
  await stack?.stop();
});

/** The workflow ids a visibility query finds, once the server's visibility has caught up (it is eventually consistent). */
async function found(query: string, expected: string): Promise<string[]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const ids: string[] = [];
    for await (const execution of temporal.workflow.list({ query })) ids.push(execution.workflowId);
    if (ids.includes(expected)) return ids;
    await new Promise((r) => setTimeout(r, 200));
  }
  return [];
}

describe('the approvers hear of a request when it arrives', () => {
  it('the Help Desk is emailed when an Individual Practitioner request reaches its queue, with the console link', async () => {
    const waiting = await journey.waitingRequest('INDIVIDUAL_PRACTITIONER', 'arrival.notice@example.test', {});
    const { trackingNumber } = await temporal.workflow.getHandle(workflowIdFor(waiting.id)).query(registrationViewQuery);
    const notice = await waitForMessage(stack.mailCatcherUrl!, {
      to: stack.config.helpDesk.email,
      subject: 'IACS – A Registration Request Awaits Your Decision',
    });
    expect(notice.text).toContain(String(trackingNumber));
    expect(notice.text).toContain(`${stack.config.publicBaseUrl}/console/queue`);
  });
});

describe('search attributes and details for operators', () => {
  it('a waiting registration is found by its tracking number, status, role and kind, and its details say who holds it', async () => {
    const waiting = await journey.waitingRequest('INDIVIDUAL_PRACTITIONER', 'operator.view@example.test', {});
    const { trackingNumber, heldBy } = await temporal.workflow.getHandle(workflowIdFor(waiting.id)).query(registrationViewQuery);
    expect(trackingNumber).toEqual(expect.any(String));
    const workflowId = workflowIdFor(waiting.id);

    expect(await found(`TrackingNumber = '${trackingNumber}'`, workflowId)).toEqual([workflowId]);
    expect(
      await found(
        `RegistrationStatus = 'AWAITING_APPROVAL' AND RegistrationRole = 'INDIVIDUAL_PRACTITIONER' AND RequestKind = 'REGISTRATION'`,
        workflowId,
      ),
    ).toContain(workflowId);

    const handle = temporal.workflow.getHandle(workflowId);
    const description = await handle.describe();
    expect(await description.staticSummary()).toBe('Registration · INDIVIDUAL_PRACTITIONER');
    const attributes = Object.fromEntries(description.typedSearchAttributes.getAll().map((pair) => [pair.key.name, pair.value]));
    expect(attributes).toMatchObject({
      TrackingNumber: trackingNumber,
      RegistrationStatus: 'AWAITING_APPROVAL',
      RegistrationRole: 'INDIVIDUAL_PRACTITIONER',
      RequestKind: 'REGISTRATION',
    });
    // What the Web UI shows as the workflow's current details (the SDK's built-in metadata query).
    const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    const details = metadata.currentDetails;
    expect(details).toContain('AWAITING_APPROVAL');
    expect(details).toContain(String(trackingNumber));
    expect(heldBy?.length).toBeGreaterThan(0);
    expect(details).toContain(`Held by: ${heldBy!.join(', ')}`);
    // The deadline the approval clock counts from the AWAITING_APPROVAL instant, shown from that first change on.
    expect(details).toContain('Next deadline: REMIND at ');
    // No personal data: only ids, statuses, roles and instants.
    const shown = JSON.stringify({ attributes, details });
    expect(shown).not.toContain('operator.view@');
    expect(shown).not.toMatch(/ssn|birth|password|code/i);
  });
});
