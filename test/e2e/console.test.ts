/**
 * The console in a real browser (Debian's chromium through playwright-core): an applicant
 * registers in the console up to the acknowledgement, the approver signs in for the first time
 * and decides with the keyboard only, the applicant sees the outcome, and the Help Desk lands on
 * a request from its link and finds another by its tracking number. Outcomes are read through
 * the JSON API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { LocalStack } from '../../local-stack';
import { when } from '../../api/console/layout';
import { ApiClient, Journey, nextIdentity, type Started } from '../support/api-client';
import { launchBrowser, screenshot } from '../support/browser';
import { listMessages } from '../support/mailbox';
import { startTestStack } from '../support/stack';

let stack: LocalStack;
let api: ApiClient;
let journey: Journey;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startTestStack(), launchBrowser()]);
  api = new ApiClient(stack.apiUrl);
  journey = new Journey(api, stack.mailCatcherUrl!);
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** Presses Tab until the focused element matches (a selector, and a text it contains): keyboard only. */
async function tabTo(page: Page, selector: string, text?: string): Promise<void> {
  for (let presses = 0; presses < 60; presses++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(
      ([sel, txt]) => {
        const el = document.activeElement;
        return el !== null && el.matches(sel) && (txt === '' || (el.textContent ?? '').includes(txt));
      },
      [selector, text ?? ''] as const,
    );
    if (focused) return;
  }
  const shown = (
    await page
      .locator('main')
      .innerText()
      .catch(() => '')
  ).slice(0, 300);
  throw new Error(`Tab never reached ${selector} ${text ?? ''} on ${page.url()}: ${shown}`);
}

/** Presses Enter on the focused element and waits for the page it leads to. */
async function enter(page: Page): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
}

/** The page's main text, its white space collapsed. */
const mainText = async (page: Page) => ((await page.locator('main').textContent()) ?? '').replace(/\s+/g, ' ');

/** The name of the field a page gives the focus to (autofocus comes with the page's first rendering, maybe just after its load). */
async function focusedName(page: Page): Promise<string> {
  await page.waitForFunction(() => document.activeElement !== null && document.activeElement !== document.body, undefined, {
    timeout: 5_000,
  });
  return page.evaluate(() => document.activeElement?.getAttribute('name') ?? '');
}

describe('the console', () => {
  let organizationId: string;
  let so: Started;
  let soCredentials: { userId: string; password: string };
  let toApprove: Started;
  let toDeny: Started;
  let approveTrackingNumber: string;
  let denyTrackingNumber: string;
  let context: BrowserContext;
  let applicantContext: BrowserContext;

  it('setup through the JSON API: a Security Official approved by the Help Desk, with an organization', async () => {
    so = await journey.register('SECURITY_OFFICIAL', 'so@console-clinic.example.test');
    await journey.verifyEmail(so);
    await journey.submitWith(so, {
      organization: { name: 'Console Family Clinic', country: 'US', state: 'MD', providerType: 'PHYSICIAN_GROUP_PRACTICE' },
    });
    const helpDesk = await journey.login(stack.config.helpDesk.userId, stack.config.helpDesk.password);
    expect((await journey.decide(so.id, helpDesk.body.token, 'APPROVE')).status).toBe(200);
    await journey.waitForStatus(so, 'PROVISIONED');
    soCredentials = await journey.credentials(so.email);
    const found = await api.call<{ id: string }[]>('GET', '/organizations?name=Console%20Family&country=US&state=MD');
    organizationId = found.body[0]!.id;
  });

  it('a Backup Security Official registers in the console, up to the acknowledgement', async () => {
    const identity = nextIdentity();
    const email = 'bso1@console-clinic.example.test';
    applicantContext = await browser.newContext();
    const page = await applicantContext.newPage();
    const navigate = (click: () => Promise<unknown>) => Promise.all([page.waitForNavigation(), click()]);
    await page.goto(`${stack.apiUrl}/console/apply`);
    // Steps 1 and 2: the community and the Privacy Act terms.
    await page.getByLabel('Provider/Supplier Community').check();
    await page.getByLabel('I accept the above Terms and Conditions').check();
    await screenshot(page, 'console-a1-community');
    await navigate(() => page.getByRole('button', { name: 'I accept – next' }).click());
    // Step 3: the role.
    await page.getByLabel('Backup Security Official').check();
    await navigate(() => page.getByRole('button', { name: 'Next' }).click());
    // Steps 4 and 5: the role's terms, identity and email; a malformed SSN is refused next to its field.
    expect(await page.locator('h1').textContent()).toContain('Backup Security Official');
    await page.getByLabel('I accept the above Terms and Conditions').check();
    await page.getByLabel('First name').fill(identity.firstName);
    await page.getByLabel('Last name').fill(identity.lastName);
    await page.getByLabel('Date of birth').fill(identity.dateOfBirth);
    await page.getByLabel('Social Security Number').fill(identity.ssn.replaceAll('-', ''));
    await page.getByLabel('Email address').fill(email);
    await navigate(() => page.getByRole('button', { name: 'Next' }).click());
    expect(await page.locator('#f-identity-ssn-error').textContent()).toContain('NNN-NN-NNNN');
    expect(await page.locator('#f-identity-ssn').getAttribute('aria-invalid')).toBe('true');
    // What was typed stays, except the secrets, which are never sent back.
    expect(await page.getByLabel('First name').inputValue()).toBe(identity.firstName);
    expect(await page.content()).not.toContain(identity.ssn.replaceAll('-', ''));
    await screenshot(page, 'console-a2-identity-refused');
    await page.getByLabel('Date of birth').fill(identity.dateOfBirth);
    await page.getByLabel('Social Security Number').fill(identity.ssn);
    await navigate(() => page.getByRole('button', { name: 'Next' }).click());

    // The applicant token is kept in an HttpOnly, SameSite=Strict cookie of /console/apply, never in a URL.
    await page.getByLabel('Verification code').waitFor();
    const cookie = (await applicantContext.cookies()).find((c) => c.name === 'iacs_applicant')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console/apply' });
    const [id, token] = cookie.value.split('.');
    toApprove = { id: id!, token: token!, email };
    expect(page.url()).not.toContain(token!);
    // Step 6: the code, with its window shown (the expiry the API gives).
    const view = await journey.view(toApprove);
    expect(view.body.status).toBe('AWAITING_EMAIL_VERIFICATION');
    expect(await mainText(page)).toContain(`30 minutes to enter the code: it expires at ${when(view.body.emailCodeExpiresAt)}`);
    await screenshot(page, 'console-a3-email-code');
    await page.getByLabel('Verification code').fill(await journey.emailedCode(toApprove));
    await navigate(() => page.getByRole('button', { name: 'Next' }).click());

    // Steps 7 to 9: professional contact details, the organization search, the justification.
    expect(await page.locator('h1').textContent()).toContain('Professional details');
    expect(await mainText(page)).toContain(`${identity.firstName} ${identity.lastName}`);
    await page.getByLabel('Work phone').fill('+1 410 555 0101');
    await page.getByLabel('Address', { exact: true }).fill('7500 Security Blvd');
    await page.getByLabel('City').fill('Baltimore');
    await page.getByLabel('State or territory').first().fill('MD');
    await page.getByLabel('ZIP or postal code').fill('21244');
    await page.getByLabel('Business name, or part of it').fill('console fam');
    await page.locator('[name="search.state"]').fill('MD');
    await navigate(() => page.getByRole('button', { name: 'Search' }).click());
    expect(await page.getByLabel('Work phone').inputValue()).toBe('+1 410 555 0101');
    await page.getByLabel('Organization', { exact: true }).selectOption({ label: 'Console Family Clinic (MD, US)' });
    await page.getByLabel('Justification for action').fill('I back up our Security Official.');
    await screenshot(page, 'console-a4-details');
    await navigate(() => page.getByRole('button', { name: 'Next' }).click());

    // Step 10: review, edit, review again, submit.
    expect(await page.locator('h1').textContent()).toContain('Review');
    expect(await mainText(page)).toContain('Console Family Clinic');
    await navigate(() => page.getByRole('link', { name: 'Edit' }).click());
    expect(await page.getByLabel('Organization', { exact: true }).inputValue()).toBe(organizationId);
    await page.getByLabel('Justification for action').fill('I back up our Security Official for Medicare claims.');
    await navigate(() => page.getByRole('button', { name: 'Next' }).click());
    expect(await mainText(page)).toContain('for Medicare claims');
    await screenshot(page, 'console-a5-review');
    await navigate(() => page.getByRole('button', { name: 'Submit' }).click());

    // Step 11: the acknowledgement with the tracking number; the same as the API's.
    approveTrackingNumber = ((await page.locator('#tracking-number').textContent()) ?? '').trim();
    expect(approveTrackingNumber).toMatch(/^IACS-\d{4}-\d{6}$/);
    await screenshot(page, 'console-a6-acknowledgement');
    // For another browser: the request ID and the access key (the applicant token), on the page, not in a URL.
    expect(await page.locator('#access-key').textContent()).toBe(token);
    const submitted = await journey.view(toApprove);
    expect(submitted.body).toMatchObject({ status: 'AWAITING_APPROVAL', trackingNumber: approveTrackingNumber });
    const details = await api.call<{ organizationId: string; justification: string }>('GET', `/registrations/${id}/details`, { token });
    expect(details.body).toMatchObject({ organizationId, justification: 'I back up our Security Official for Medicare claims.' });
    await navigate(() => page.getByRole('link', { name: 'See the status of my request' }).click());
    expect(await page.locator('#status').textContent()).toBe('Awaiting Approval');
  });

  it('a second Backup Security Official applies through the JSON API', async () => {
    toDeny = await journey.register('BACKUP_SECURITY_OFFICIAL', 'bso2@console-clinic.example.test');
    await journey.verifyEmail(toDeny);
    denyTrackingNumber = await journey.submitWith(toDeny, { organizationId });
  });

  it('the approver signs in, completes the first login, and approves and denies, with the keyboard only', async () => {
    context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${stack.apiUrl}/console`);
    expect(page.url()).toContain('/console/sign-in');
    // The user ID field has the focus first.
    expect(await focusedName(page)).toBe('userId');
    await page.keyboard.type(soCredentials.userId);
    await page.keyboard.press('Tab');
    await page.keyboard.type('not-the-password');
    await enter(page);
    expect(await page.locator('.summary').textContent()).toContain('not correct');
    await screenshot(page, 'console-01-sign-in-refused');

    await tabTo(page, 'input[name="password"]');
    await page.keyboard.type(soCredentials.password);
    await enter(page);
    expect(page.url()).toContain('/console/first-login');
    expect(await focusedName(page)).toBe('currentPassword');
    await page.keyboard.type(soCredentials.password);
    await page.keyboard.press('Tab');
    await page.keyboard.type('short');
    await page.keyboard.press('Tab');
    await page.keyboard.type('short');
    await enter(page);
    // The API's refusal, next to its field.
    expect(await page.locator('#f-newPassword-error').textContent()).toMatch(/15/);
    expect(await page.locator('#f-newPassword').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'console-02-password-refused');

    await tabTo(page, 'input[name="currentPassword"]');
    await page.keyboard.type(soCredentials.password);
    await page.keyboard.press('Tab');
    await page.keyboard.type('Console-Approver-Pass-2026');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Console-Approver-Pass-2026');
    await enter(page);
    expect(await page.locator('h1').textContent()).toContain('authentication questions');
    expect(await focusedName(page)).toBe('answers.0.questionId');
    await page.keyboard.press('ArrowDown'); // Q1
    await page.keyboard.press('Tab');
    await page.keyboard.type('Baltimore');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown'); // Q2
    await page.keyboard.press('Tab');
    await page.keyboard.type('Rex the dog');
    await screenshot(page, 'console-03-questions');
    await enter(page);

    expect(page.url()).toContain('/console/queue');
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(2);
    const first = (await rows.nth(0).textContent()) ?? '';
    expect(first).toContain(approveTrackingNumber);
    expect(first).toContain('Backup Security Official');
    expect(first).toContain('Console Family Clinic');
    expect(first).toContain('Blake Sampleton');
    await screenshot(page, 'console-04-queue');

    await tabTo(page, 'a', approveTrackingNumber);
    await enter(page);
    expect(await page.locator('h1').textContent()).toContain(approveTrackingNumber);
    expect(await page.content()).not.toMatch(/900-12-|SSN|date of birth/i);
    await screenshot(page, 'console-05-request');
    await tabTo(page, 'button', 'Approve');
    await enter(page);
    expect(await page.locator('[role="status"]').textContent()).toContain('approval is recorded');
    await screenshot(page, 'console-06-approved');

    await tabTo(page, 'a', 'Back to the approvals');
    await enter(page);
    expect(await page.locator('tbody tr').count()).toBe(1);
    await tabTo(page, 'a', denyTrackingNumber);
    await enter(page);
    // Deny without a reason: the API's refusal shows next to the reason.
    await tabTo(page, 'button', 'Deny');
    await enter(page);
    expect(await page.locator('#f-reason-error').textContent()).toContain('required');
    await screenshot(page, 'console-07-deny-refused');
    await tabTo(page, 'textarea[name="reason"]');
    await page.keyboard.type('We already have two Backup Security Officials.');
    await tabTo(page, 'button', 'Deny');
    await enter(page);
    expect(await page.locator('[role="status"]').textContent()).toContain('denial is recorded');
    await screenshot(page, 'console-08-denied');

    // The outcomes, through the JSON API.
    await journey.waitForStatus(toApprove, 'PROVISIONED');
    const denied = await journey.waitForStatus(toDeny, 'DENIED');
    expect(denied.reason).toBe('We already have two Backup Security Officials.');

    await tabTo(page, 'button', 'Sign out');
    await enter(page);
    expect(page.url()).toContain('/console/sign-in');
    await page.goto(`${stack.apiUrl}/console/queue`);
    expect(page.url()).toContain('/console/sign-in');
    await context.close();
  });

  it('the applicant sees the outcome on the status page of the console', async () => {
    const page = await applicantContext.newPage();
    await page.goto(`${stack.apiUrl}/console/apply/status`);
    expect(await page.locator('#status').textContent()).toBe('Provisioned');
    expect(await mainText(page)).toContain(approveTrackingNumber);
    await screenshot(page, 'console-a7-status');
    await applicantContext.close();

    // Another browser opens the request with its tracking number and access key; a wrong key opens nothing.
    const elsewhere = await browser.newContext();
    const other = await elsewhere.newPage();
    await other.goto(`${stack.apiUrl}/console/apply/status`);
    await other.getByLabel('Tracking number or request ID').fill(approveTrackingNumber);
    await other.getByLabel('Access key').fill(toDeny.token);
    await Promise.all([other.waitForNavigation(), other.getByRole('button', { name: 'Show the status' }).click()]);
    expect(await other.locator('#f-accessKey-error').textContent()).toContain('does not open');
    await other.getByLabel('Access key').fill(toApprove.token);
    await Promise.all([other.waitForNavigation(), other.getByRole('button', { name: 'Show the status' }).click()]);
    expect(await other.locator('#status').textContent()).toBe('Provisioned');
    await elsewhere.close();
  });

  it('the Help Desk lands on the request its link named, and finds another by its tracking number and resends its acknowledgement', async () => {
    context = await browser.newContext();
    const page = await context.newPage();
    // A link to a request (as in an email) leads through sign-in to that request.
    await page.goto(`${stack.apiUrl}/console/requests/registration/${toApprove.id}`);
    expect(page.url()).toContain('/console/sign-in?next=');
    expect(await focusedName(page)).toBe('userId');
    await page.keyboard.type(stack.config.helpDesk.userId);
    await page.keyboard.press('Tab');
    await page.keyboard.type(stack.config.helpDesk.password);
    await enter(page);
    expect(new URL(page.url()).pathname).toBe(`/console/requests/registration/${toApprove.id}`);
    expect(await page.locator('h1').textContent()).toContain(approveTrackingNumber);
    await tabTo(page, 'a', 'Look up a request');
    await enter(page);
    expect(await focusedName(page)).toBe('trackingNumber');
    await page.keyboard.type('IACS-1999-999999');
    await enter(page);
    expect(await page.locator('#f-trackingNumber-error').textContent()).toContain('no request');
    await tabTo(page, 'input[name="trackingNumber"]');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(denyTrackingNumber.toLowerCase());
    await enter(page);
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain(denyTrackingNumber);
    expect(text).toContain('Denied');
    expect(text).toContain('Awaiting Approval');
    expect(text).toContain('We already have two Backup Security Officials.');
    expect(await page.content()).not.toMatch(/900-12-/);
    await screenshot(page, 'console-09-help-desk-look-up');

    const acknowledgements = async () =>
      (await listMessages(stack.mailCatcherUrl!, toDeny.email)).filter((m) => m.subject.includes('Tracking Number Enclosed')).length;
    const before = await acknowledgements();
    await tabTo(page, 'button', 'Resend the acknowledgement');
    await enter(page);
    expect(await page.locator('[role="status"]').textContent()).toContain('sent again');
    await expect.poll(acknowledgements, { timeout: 10_000 }).toBe(before + 1);
    await context.close();
  });

  it('refuses forms from elsewhere and serves every page with a strict policy', async () => {
    const evil = await fetch(`${stack.apiUrl}/console/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: 'userId=EUSHELPDESK&password=x',
      redirect: 'manual',
    });
    expect(evil.status).toBe(403);
    const login = await journey.login(stack.config.helpDesk.userId, stack.config.helpDesk.password);
    const noToken = await fetch(`${stack.apiUrl}/console/sign-out`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `iacs_console=${login.body.token}` },
      body: '',
      redirect: 'manual',
    });
    expect(noToken.status).toBe(403);
    // The applicant's forms too: a POST with the applicant cookie but no CSRF token changes nothing.
    const noApplicantToken = await fetch(`${stack.apiUrl}/console/apply/cancel`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `iacs_applicant=${toDeny.id}.${toDeny.token}` },
      body: '',
      redirect: 'manual',
    });
    expect(noApplicantToken.status).toBe(403);
    expect((await journey.view(toDeny)).body.status).toBe('DENIED');
    const noFormCookie = await fetch(`${stack.apiUrl}/console/apply`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'community=PROVIDER_SUPPLIER&role=END_USER',
      redirect: 'manual',
    });
    expect(noFormCookie.status).toBe(403);
    const apply = await fetch(`${stack.apiUrl}/console/apply`);
    expect(apply.headers.get('content-security-policy')).toContain("default-src 'none'");
    const signIn = await fetch(`${stack.apiUrl}/console/sign-in`);
    expect(signIn.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(signIn.headers.get('content-security-policy')).toContain("form-action 'self'");
    expect(signIn.headers.get('content-type')).toContain('text/html');
  });
});
