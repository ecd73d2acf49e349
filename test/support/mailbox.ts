import { setTimeout as sleep } from 'node:timers/promises';
import type { CaughtMessage } from '../../simulators/mail-catcher';

export type { CaughtMessage };

/** Messages held by the mail catcher at httpUrl, oldest first; optionally only those sent to `to`. */
export async function listMessages(httpUrl: string, to?: string): Promise<CaughtMessage[]> {
  const url = new URL('/messages', httpUrl);
  if (to !== undefined) url.searchParams.set('to', to);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url.href} answered ${response.status}`);
  return (await response.json()) as CaughtMessage[];
}

/** Empties the mail catcher's mailbox. */
export async function clearMessages(httpUrl: string): Promise<void> {
  const response = await fetch(new URL('/messages', httpUrl), { method: 'DELETE' });
  if (!response.ok) throw new Error(`DELETE /messages answered ${response.status}`);
}

export interface MessageQuery {
  to: string;
  /** Exact subject, or a pattern it must match; any subject when omitted. */
  subject?: string | RegExp;
}

function subjectMatches(subject: string, expected: string | RegExp | undefined): boolean {
  if (expected === undefined) return true;
  return typeof expected === 'string' ? subject === expected : expected.test(subject);
}

/** Polls until a message to `to` with a matching subject arrives; returns the oldest such message. */
export async function waitForMessage(httpUrl: string, query: MessageQuery, timeoutMs = 10_000): Promise<CaughtMessage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const messages = await listMessages(httpUrl, query.to);
    const found = messages.find((m) => subjectMatches(m.subject, query.subject));
    if (found) return found;
    if (Date.now() > deadline) {
      const seen = messages.map((m) => JSON.stringify(m.subject)).join(', ') || 'none';
      throw new Error(
        `No message to ${query.to} with subject ${String(query.subject ?? '(any)')} within ${timeoutMs} ms; subjects seen: ${seen}`,
      );
    }
    await sleep(100);
  }
}
