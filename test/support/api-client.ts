/** A small typed HTTP client for the API, as an applicant or approver would use it. */
import { SSA_VALID_IDENTITIES, type SsaIdentity } from '../../simulators/ssa-fixtures';
import { waitForMessage } from './mailbox';
import { assertMatchesDocument } from './openapi-check';

export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
  contentType: string;
  headers: Headers;
}

export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    opts: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined || opts.rawBody !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
    });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    const parsed: unknown = text && /json/.test(contentType) ? JSON.parse(text) : text || undefined;
    // Every answer an e2e test gets is checked against /openapi.json (status and body).
    assertMatchesDocument(method, path, response.status, contentType, parsed);
    return { status: response.status, body: (parsed ?? {}) as T, contentType, headers: response.headers };
  }
}

export type Role =
  | 'SECURITY_OFFICIAL'
  | 'BACKUP_SECURITY_OFFICIAL'
  | 'USER_GROUP_ADMINISTRATOR'
  | 'END_USER'
  | 'INDIVIDUAL_PRACTITIONER'
  | 'REGISTRY_END_USER';

export interface Started {
  id: string;
  token: string;
  email: string;
}

let fixtureCursor = 0;
/** Each journey takes the next fixture identity that the SSA simulator validates. */
export function nextIdentity(): SsaIdentity {
  const identity = SSA_VALID_IDENTITIES[fixtureCursor % SSA_VALID_IDENTITIES.length]!;
  fixtureCursor++;
  return identity;
}

export function registrationBody(role: Role, identity: SsaIdentity, email: string) {
  return { community: 'PROVIDER_SUPPLIER', role, acceptedTerms: { privacyAct: true, role: true }, identity: { ...identity }, email };
}

export const contact = {
  phone: '+1 410 555 0100',
  address: { line1: '7500 Security Blvd', city: 'Baltimore', state: 'MD', postalCode: '21244', country: 'US' },
};

export class Journey {
  constructor(
    readonly api: ApiClient,
    readonly mailUrl: string,
  ) {}

  async register(role: Role, email: string, identity: SsaIdentity = nextIdentity(), headers?: Record<string, string>): Promise<Started> {
    const answer = await this.api.call<{ id: string; applicantToken: string; status: string }>('POST', '/registrations', {
      body: registrationBody(role, identity, email),
      headers,
    });
    if (answer.status !== 202) throw new Error(`register answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return { id: answer.body.id, token: answer.body.applicantToken, email };
  }

  view(r: Started) {
    return this.api.call<{
      status: string;
      trackingNumber?: string;
      reason?: string;
      emailCodeExpiresAt?: string;
      history: { status: string; at: string }[];
    }>('GET', `/registrations/${r.id}`, { token: r.token });
  }

  async waitForStatus(r: Started, status: string, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const view = await this.view(r);
      if (view.body.status === status) return view.body;
      if (Date.now() > deadline) throw new Error(`registration ${r.id} is ${view.body.status}, not ${status}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** The newest verification code emailed to this applicant. */
  async emailedCode(r: Started, nth = 1): Promise<string> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const message = await waitForMessage(this.mailUrl, { to: r.email, subject: 'Email Address Verification' }, 20_000);
      const all = (await (await fetch(`${this.mailUrl}/messages?to=${encodeURIComponent(r.email)}`)).json()) as {
        subject: string;
        text: string;
      }[];
      const codes = all.filter((m) => m.subject === 'Email Address Verification').map((m) => /code is (\d{6})/.exec(m.text)?.[1]);
      if (codes.length >= nth && codes[nth - 1]) return codes[nth - 1]!;
      if (Date.now() > deadline) throw new Error(`no code #${nth} for ${r.email} (last: ${message.subject})`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async verifyEmail(r: Started): Promise<void> {
    await this.waitForStatus(r, 'AWAITING_EMAIL_VERIFICATION');
    const answer = await this.api.call('POST', `/registrations/${r.id}/email-verification`, {
      token: r.token,
      body: { code: await this.emailedCode(r) },
    });
    if (answer.status !== 200) throw new Error(`verification answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }

  async submitWith(r: Started, details: Record<string, unknown>): Promise<string> {
    const put = await this.api.call('PUT', `/registrations/${r.id}/details`, {
      token: r.token,
      body: { contact, justification: 'I handle Medicare claims for this organization.', ...details },
    });
    if (put.status !== 200) throw new Error(`details answered ${put.status}: ${JSON.stringify(put.body)}`);
    const submit = await this.api.call<{ status: string; trackingNumber: string }>('POST', `/registrations/${r.id}/submit`, {
      token: r.token,
    });
    if (submit.status !== 200) throw new Error(`submit answered ${submit.status}: ${JSON.stringify(submit.body)}`);
    return submit.body.trackingNumber;
  }

  /** Reads the two credential emails of a provisioned applicant. */
  async credentials(email: string): Promise<{ userId: string; password: string }> {
    const idMail = await waitForMessage(this.mailUrl, { to: email, subject: 'FYI: User Creation Completed – Account ID Enclosed' }, 20_000);
    const passwordMail = await waitForMessage(
      this.mailUrl,
      { to: email, subject: 'FYI: User Creation Completed – Password Enclosed' },
      20_000,
    );
    return { userId: /User ID: (\S+)/.exec(idMail.text)![1]!, password: /password: (\S+)/.exec(passwordMail.text)![1]! };
  }

  async login(userId: string, password: string) {
    return this.api.call<{ token: string; mustChangePassword: boolean; mustAnswerQuestions: boolean }>('POST', '/auth/login', {
      body: { userId, password },
    });
  }

  /** First login: new password, two authentication questions; returns a full session token. */
  async completeFirstLogin(userId: string, temporaryPassword: string, newPassword: string): Promise<string> {
    const first = await this.login(userId, temporaryPassword);
    if (first.status !== 200) throw new Error(`login answered ${first.status}`);
    const change = await this.api.call('POST', '/auth/password', {
      token: first.body.token,
      body: { currentPassword: temporaryPassword, newPassword },
    });
    if (change.status !== 204) throw new Error(`password change answered ${change.status}: ${JSON.stringify(change.body)}`);
    const answers = await this.api.call('PUT', '/me/authentication-questions', {
      token: first.body.token,
      body: {
        answers: [
          { questionId: 'Q1', answer: 'Springfield' },
          { questionId: 'Q2', answer: 'Rex the dog' },
        ],
      },
    });
    if (answers.status !== 204) throw new Error(`answers answered ${answers.status}: ${JSON.stringify(answers.body)}`);
    const again = await this.login(userId, newPassword);
    return again.body.token;
  }

  /** Registers, verifies the email and submits: the request then waits for approval. */
  async waitingRequest(role: Role, email: string, details: Record<string, unknown>): Promise<Started> {
    const request = await this.register(role, email);
    await this.verifyEmail(request);
    await this.submitWith(request, details);
    return request;
  }

  /** The approver approves; the new account then completes its first login. */
  async approveAndLogIn(request: Started, approverToken: string, newPassword: string): Promise<{ userId: string; token: string }> {
    const decision = await this.decide(request.id, approverToken, 'APPROVE');
    if (decision.status !== 200) throw new Error(`approval answered ${decision.status}: ${JSON.stringify(decision.body)}`);
    await this.waitForStatus(request, 'PROVISIONED');
    const { userId, password } = await this.credentials(request.email);
    return { userId, token: await this.completeFirstLogin(userId, password, newPassword) };
  }

  decide(registrationId: string, token: string, decision: 'APPROVE' | 'DENY', reason?: string) {
    return this.api.call<{ status: string }>('POST', `/registrations/${registrationId}/decision`, {
      token,
      body: reason ? { decision, reason } : { decision },
    });
  }
}

export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/** A request sent exactly as given: any headers (a malformed Authorization, another content type) and raw body text. */
export async function rawRequest(
  baseUrl: string,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string | Blob } = {},
): Promise<RawAnswer> {
  const response = await fetch(`${baseUrl}${path}`, { method, headers: opts.headers ?? {}, body: opts.body });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}
