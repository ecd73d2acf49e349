/**
 * Operators in the Temporal Web UI: every request keeps custom search attributes (tracking number,
 * status, role, organization, kind) and current details up to date, so the UI and `temporal
 * workflow list --query` find it without decoding anything; none of it is personal data. In the
 * dev server's Web UI (Debian's chromium), an operator filters by tracking number, and sees the
 * input decoded only once signed in on the console's operator page, and even then no SSN or date of birth.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { LocalStack } from '../../local-stack';
import { connectTemporalClient } from '../../infra/temporal-connection';
import { registrationViewQuery, workflowIdFor } from '../../workflows/messages';
import { ApiClient, Journey, nextIdentity } from '../support/api-client';
import { launchBrowser, screenshot } from '../support/browser';
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

describe('the Temporal Web UI, as an operator uses it', () => {
  it('filters by a tracking number, finds the workflow, and shows its input decoded after operator sign-in, without SSN or date of birth', async () => {
    const identity = nextIdentity();
    const request = await journey.register('INDIVIDUAL_PRACTITIONER', 'web.ui.operator@example.test', identity);
    await journey.verifyEmail(request);
    await journey.submitWith(request, {});
    const { trackingNumber } = await journey.waitForStatus(request, 'AWAITING_APPROVAL');
    const workflowId = workflowIdFor(request.id);
    const uiUrl = stack.config.temporalUiUrl!;
    expect(uiUrl).toMatch(/^http:\/\/localhost:\d+$/);

    const browser = await launchBrowser();
    try {
      const context = await browser.newContext();
      const ui = await context.newPage();
      const codecAnswers: number[] = [];
      ui.on('response', (answer) => {
        if (new URL(answer.url()).pathname === '/codec/decode' && answer.request().method() === 'POST') codecAnswers.push(answer.status());
      });

      // The workflow list, filtered by the tracking number typed into the query box.
      await ui.goto(`${uiUrl}/namespaces/default/workflows`);
      await ui.getByTestId('toggle-manual-query').click();
      const queryBox = ui.getByTestId('workflow-manual-search-input');
      await queryBox.fill(`TrackingNumber = "${trackingNumber}"`);
      await queryBox.press('Enter');
      await ui.getByRole('link', { name: workflowId }).first().waitFor();
      const listed = await ui
        .locator('a[href*="/workflows/registration-"]')
        .evaluateAll((links) => [...new Set(links.map((a) => a.getAttribute('href')?.split('/')[4]))]);
      expect(listed).toEqual([workflowId]);
      await screenshot(ui, 'web-ui-filtered-by-tracking-number');

      // The codec in this browser: the API's, with cross-origin credentials (the dev server cannot say so itself).
      await ui.getByTestId('data-encoder-status-configured').click();
      await ui.getByTestId('use-local-endpoint-input').check();
      await ui.getByTestId('data-encoder-endpoint-input').fill(`${stack.config.publicBaseUrl}/codec`);
      await ui.getByTestId('data-encoder-include-credentials').click();
      expect(await ui.locator('#pass-access-credentials').isChecked()).toBe(true);
      await ui.getByRole('button', { name: 'Apply' }).click();

      // Not signed in: the codec refuses, and the input stays sealed.
      await ui.getByRole('link', { name: workflowId }).first().click();
      // The UI shows a payload it could not decode either as the stored payload (its metadata says
      // binary/encrypted) or as its data alone, a long base64 string: sealed both ways.
      const sealedEncoding = Buffer.from('binary/encrypted').toString('base64');
      const showsSealedInput = (text: string) =>
        /\bInput\b/.test(text) && (text.includes(sealedEncoding) || /"[A-Za-z0-9+/]{200,}={0,2}"/.test(text));
      await expect.poll(() => codecAnswers, { timeout: 60_000 }).toContain(401);
      await expect.poll(async () => showsSealedInput(await ui.locator('body').innerText()), { timeout: 60_000 }).toBe(true);
      const sealed = await ui.locator('body').innerText();
      expect(sealed).not.toContain('"registrationId"');
      expect(sealed).not.toContain('ssnLast4');
      await screenshot(ui, 'web-ui-input-sealed-before-sign-in');

      // The operator signs in on the console's operator page, in another tab of the same browser.
      const consolePage = await context.newPage();
      await consolePage.goto(`${stack.config.publicBaseUrl}/console/operator`);
      await consolePage.getByLabel('User ID').fill(stack.config.operator.userId);
      await consolePage.getByLabel('Password').fill(stack.config.operator.password);
      await consolePage.getByRole('button', { name: 'Sign in' }).click();
      await consolePage.getByRole('heading', { name: 'Decoding in the Temporal Web UI' }).waitFor();
      await screenshot(consolePage, 'console-operator-page');

      // Decoded now: the input names the request, and the identity shows only the SSN's last four digits.
      await ui.reload();
      await expect.poll(() => ui.locator('body').innerText(), { timeout: 60_000 }).toContain('"ssnLast4"');
      expect(codecAnswers).toContain(200);
      const decoded = await ui.locator('body').innerText();
      expect(decoded).toContain(`"registrationId": "${request.id}"`);
      expect(decoded).toContain(`"ssnLast4": "${identity.ssn.slice(-4)}"`);
      expect(decoded).not.toContain(identity.ssn);
      expect(decoded).not.toContain(identity.ssn.replaceAll('-', ''));
      expect(decoded).not.toContain(identity.dateOfBirth);
      await screenshot(ui, 'web-ui-input-decoded-after-sign-in');
    } finally {
      await browser.close();
    }
  }, 180_000);
});
