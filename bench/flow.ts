/**
 * One registration as a client drives it over HTTP, each step timed: the applicant registers,
 * reads the emailed code, verifies, gives details and submits; the approver decides; the new
 * account reads its credentials and completes the first login.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SsaIdentity } from '../simulators/ssa-fixtures';
import { contact, registrationBody, type Role, type Started } from '../test/support/api-client';
import type { Http, Mailbox } from './http';
import { now } from './stats';

/** Subjects of the emails the flow reads (as test/support/api-client.ts reads them). */
const SUBJECT = {
  code: 'Email Address Verification',
  userId: 'FYI: User Creation Completed – Account ID Enclosed',
  password: 'FYI: User Creation Completed – Password Enclosed',
} as const;

/** The timed steps of one registration, in order; names are stable across runs. */
export const FLOW_STEPS = [
  'register',
  'awaitEmailVerification',
  'readEmailCode',
  'verify',
  'details',
  'submit',
  'decide',
  'awaitProvisioned',
  'readCredentials',
  'login',
  'changePassword',
  'answerQuestions',
  'firstLogin',
] as const;
export type FlowStep = (typeof FLOW_STEPS)[number];

/** Steps up to AWAITING_APPROVAL (a parked registration). */
export const PARK_STEPS: readonly FlowStep[] = ['register', 'awaitEmailVerification', 'readEmailCode', 'verify', 'details', 'submit'];

export const NEW_PASSWORD = 'Correct-Horse-Battery-42';
const FINAL = new Set(['REJECTED', 'DENIED', 'CANCELLED', 'EXPIRED', 'EMAIL_VERIFICATION_EXPIRED', 'PROVISIONED']);

export interface FlowTimings {
  role: Role;
  steps: Partial<Record<FlowStep, number>>;
  total: number;
}

export interface Clients {
  api: Http;
  mail: Mailbox;
  /** Polling interval for status and mail, ms. */
  pollMs: number;
  /** Longest wait for a status or an email, ms. */
  waitMs: number;
}

/** An approver's session, logged in again when it has expired. */
export class Approver {
  private current: string | undefined;
  private pending: Promise<string> | undefined;
  logins = 0;

  constructor(
    private readonly clients: Clients,
    readonly userId: string,
    private readonly password: string,
  ) {}

  /** The current session token; one login at a time. */
  token(): Promise<string> {
    if (this.current) return Promise.resolve(this.current);
    this.pending ??= this.login().finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** Forgets a token the API refused (401) and logs in again. */
  renew(refused: string): Promise<string> {
    if (this.current === refused) this.current = undefined;
    return this.token();
  }

  private async login(): Promise<string> {
    this.logins++;
    const answer = await this.clients.api.call<{ token: string }>('POST', '/auth/login', {
      body: { userId: this.userId, password: this.password },
    });
    if (answer.status !== 200) throw new Error(`login of ${this.userId} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    this.current = answer.body.token;
    return this.current;
  }

  /** One page of the approver's queue: how many items, and the path of the next page (`Link: rel="next"`). */
  async page(path: string): Promise<{ items: number; next?: string }> {
    const answer = await this.call<unknown[]>('GET', path);
    if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}`);
    const next = answer.link ? /<([^>]+)>;\s*rel="next"/.exec(answer.link)?.[1] : undefined;
    return { items: answer.body.length, ...(next && { next }) };
  }

  /** Calls the API with this approver's token; on 401 logs in once more and retries. */
  async call<T>(method: string, path: string, body?: unknown) {
    const token = await this.token();
    const first = await this.clients.api.call<T>(method, path, { token, body });
    if (first.status !== 401) return first;
    return this.clients.api.call<T>(method, path, { token: await this.renew(token), body });
  }
}

interface View {
  status: string;
  reason?: string;
}

export class Applicant {
  readonly timings: FlowTimings;
  private readonly started = now();
  private registration: Started | undefined;

  constructor(
    private readonly clients: Clients,
    readonly role: Role,
    readonly identity: SsaIdentity,
    readonly email: string,
  ) {
    this.timings = { role, steps: {}, total: 0 };
  }

  get id(): string {
    return this.started$().id;
  }
  get token(): string {
    return this.started$().token;
  }

  private started$(): Started {
    if (!this.registration) throw new Error('not registered yet');
    return this.registration;
  }

  private async time<T>(step: FlowStep, work: () => Promise<T>): Promise<T> {
    const t0 = now();
    const result = await work();
    this.timings.steps[step] = now() - t0;
    return result;
  }

  private async expect<T>(answer: Promise<{ status: number; body: T }>, status: number, what: string): Promise<T> {
    const got = await answer;
    if (got.status !== status) throw new Error(`${what} answered ${got.status}: ${JSON.stringify(got.body).slice(0, 300)}`);
    return got.body;
  }

  /** Register → verify → details → submit: the request then waits for its approver. */
  async park(details: Record<string, unknown>): Promise<void> {
    const { api } = this.clients;
    const body = await this.time('register', () =>
      this.expect(
        api.call<{ id: string; applicantToken: string }>('POST', '/registrations', {
          body: registrationBody(this.role, this.identity, this.email),
        }),
        202,
        'POST /registrations',
      ),
    );
    this.registration = { id: body.id, token: body.applicantToken, email: this.email };
    await this.time('awaitEmailVerification', () => this.waitForStatus('AWAITING_EMAIL_VERIFICATION'));
    const code = await this.time('readEmailCode', () => this.emailedCode());
    await this.time('verify', () =>
      this.expect(
        api.call('POST', `/registrations/${this.id}/email-verification`, { token: this.token, body: { code } }),
        200,
        'email verification',
      ),
    );
    await this.time('details', () =>
      this.expect(
        api.call('PUT', `/registrations/${this.id}/details`, {
          token: this.token,
          body: { contact, justification: 'I handle Medicare claims for this organization.', ...details },
        }),
        200,
        'PUT details',
      ),
    );
    const submitted = await this.time('submit', () =>
      this.expect(api.call<{ status: string }>('POST', `/registrations/${this.id}/submit`, { token: this.token }), 200, 'submit'),
    );
    if (submitted.status !== 'AWAITING_APPROVAL') throw new Error(`submitted registration ${this.id} is ${submitted.status}`);
    this.timings.total = now() - this.started;
  }

  /** The approver approves; the account then reads its credentials and completes the first login. Returns its session token. */
  async approveAndLogIn(approver: Approver, newPassword = NEW_PASSWORD): Promise<{ userId: string; token: string }> {
    const { api } = this.clients;
    await this.time('decide', () =>
      this.expect(approver.call('POST', `/registrations/${this.id}/decision`, { decision: 'APPROVE' }), 200, 'decision'),
    );
    await this.time('awaitProvisioned', () => this.waitForStatus('PROVISIONED'));
    const { userId, password } = await this.time('readCredentials', () => this.credentials());
    const t0 = now();
    const first = await this.time('login', () =>
      this.expect(api.call<{ token: string }>('POST', '/auth/login', { body: { userId, password } }), 200, 'first login'),
    );
    await this.time('changePassword', () =>
      this.expect(
        api.call('POST', '/auth/password', { token: first.token, body: { currentPassword: password, newPassword } }),
        204,
        'password change',
      ),
    );
    await this.time('answerQuestions', () =>
      this.expect(
        api.call('PUT', '/me/authentication-questions', {
          token: first.token,
          body: {
            answers: [
              { questionId: 'Q1', answer: 'Springfield' },
              { questionId: 'Q2', answer: 'Rex the dog' },
            ],
          },
        }),
        204,
        'authentication questions',
      ),
    );
    const session = await this.expect(
      api.call<{ token: string; mustChangePassword: boolean; mustAnswerQuestions: boolean }>('POST', '/auth/login', {
        body: { userId, password: newPassword },
      }),
      200,
      'login with the new password',
    );
    if (session.mustChangePassword || session.mustAnswerQuestions) throw new Error(`${userId} still has first-login obligations`);
    this.timings.steps.firstLogin = now() - t0;
    this.timings.total = now() - this.started;
    return { userId, token: session.token };
  }

  /** GET /registrations/:id calls made while waiting for a status. */
  polls = 0;

  view() {
    return this.clients.api.call<View>('GET', `/registrations/${this.id}`, { token: this.token });
  }

  async waitForStatus(status: string): Promise<void> {
    const deadline = Date.now() + this.clients.waitMs;
    let last = '(none)';
    let refusals = 0;
    while (Date.now() < deadline) {
      this.polls++;
      const answer = await this.view();
      if (answer.status === 200) {
        refusals = 0;
        last = answer.body.status;
        if (last === status) return;
        if (FINAL.has(last)) throw new Error(`registration ${this.id} ended ${last} (${answer.body.reason ?? 'no reason'}), not ${status}`);
      } else {
        last = `HTTP ${answer.status}`;
        // A moment of 404/503 may happen; a service that keeps failing will not get better.
        if (++refusals >= 10)
          throw new Error(
            `GET /registrations/${this.id} answered ${answer.status} ${refusals} times: ${JSON.stringify(answer.body).slice(0, 300)}`,
          );
      }
      await sleep(this.clients.pollMs);
    }
    throw new Error(`registration ${this.id} is ${last}, not ${status}, after ${this.clients.waitMs} ms`);
  }

  private async emailedCode(): Promise<string> {
    const text = await this.waitForMail(SUBJECT.code);
    const code = /code is (\d{6})/.exec(text)?.[1];
    if (!code) throw new Error(`no code in the verification email to ${this.email}`);
    return code;
  }

  private async credentials(): Promise<{ userId: string; password: string }> {
    const idText = await this.waitForMail(SUBJECT.userId);
    const passwordText = await this.waitForMail(SUBJECT.password);
    const userId = /User ID: (\S+)/.exec(idText)?.[1];
    const password = /password: (\S+)/.exec(passwordText)?.[1];
    if (!userId || !password) throw new Error(`credential emails to ${this.email} lack the user ID or password`);
    return { userId, password };
  }

  private async waitForMail(subject: string): Promise<string> {
    const deadline = Date.now() + this.clients.waitMs;
    while (Date.now() < deadline) {
      const found = (await this.clients.mail.to(this.email)).find((m) => m.subject === subject);
      if (found) return found.text;
      await sleep(this.clients.pollMs);
    }
    throw new Error(`no email "${subject}" to ${this.email} within ${this.clients.waitMs} ms`);
  }
}
