/** A JSON-over-HTTP client for the API and the mail catcher, each request bounded in time. */

export interface Answer<T> {
  status: number;
  body: T;
  /** The `Link` header, where the API pages an answer. */
  link?: string;
}

export class Http {
  constructor(
    readonly baseUrl: string,
    /** Longest time one request may take, ms. */
    readonly timeoutMs: number,
  ) {}

  async call<T = Record<string, unknown>>(method: string, path: string, opts: { token?: string; body?: unknown } = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = {};
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text();
    const link = response.headers.get('link') ?? undefined;
    return { status: response.status, body: parseJson<T>(text, `${method} ${path} (${response.status})`), ...(link && { link }) };
  }
}

function parseJson<T>(text: string, what: string): T {
  try {
    return JSON.parse(text || '{}');
  } catch {
    throw new Error(`${what} answered something other than JSON: ${text.slice(0, 200)}`);
  }
}

/** One message held by the mail catcher (simulators/mail-catcher.ts). */
export interface Mail {
  subject: string;
  text: string;
}

/** The mail catcher's JSON API: messages to one address, oldest first; clearing the mailbox. */
export class Mailbox {
  constructor(private readonly http: Http) {}

  async to(address: string): Promise<Mail[]> {
    const answer = await this.http.call<Mail[]>('GET', `/messages?to=${encodeURIComponent(address)}`);
    if (answer.status !== 200) throw new Error(`GET /messages answered ${answer.status}`);
    return answer.body;
  }

  async clear(): Promise<void> {
    const answer = await this.http.call('DELETE', '/messages');
    if (answer.status !== 204) throw new Error(`DELETE /messages answered ${answer.status}`);
  }
}
