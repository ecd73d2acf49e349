/**
 * Local mail catcher: a real SMTP server (no auth, no TLS) that keeps every
 * message in memory, plus a JSON HTTP API to read them back in tests.
 *
 *   GET    /messages[?to=addr]  → CaughtMessage[] (oldest first)
 *   GET    /messages/:id        → CaughtMessage
 *   DELETE /messages            → 204, clears the mailbox
 *   GET    /[?to=addr]          → an HTML inbox (newest first), for people
 *   GET    /inbox/:id           → one message as HTML (its HTML part sandboxed, no scripts)
 *
 * Run alone: `tsx simulators/mail-catcher.ts` (MAIL_CATCHER_SMTP_PORT=1025,
 * MAIL_CATCHER_HTTP_PORT=1080, MAIL_CATCHER_HOST=127.0.0.1).
 */
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { simpleParser, type AddressObject } from 'mailparser';
import { createServer } from 'node:http';
import { SMTPServer } from 'smtp-server';
import { listenOn } from '../infra/ports';

export interface CaughtMessage {
  id: string;
  /** Address of the From header, else the SMTP envelope sender. */
  from: string;
  /** SMTP envelope recipients (To, Cc and Bcc alike). */
  to: string[];
  subject: string;
  text: string;
  html?: string;
  /** ISO 8601: the Date header, else the time of receipt. */
  date: string;
}

interface StartMailCatcherOptions {
  /** Defaults to a free port. */
  smtpPort?: number;
  /** Defaults to a free port. */
  httpPort?: number;
  host?: string;
}

export interface RunningMailCatcher {
  smtpPort: number;
  httpUrl: string;
  /**
   * Holds the next message whose subject contains `subject`, as a slow relay would: it is neither
   * stored nor acknowledged until released, and it is lost if its sender goes away first (the
   * relay never said 250). For the fault tests: a worker killed in the middle of sending.
   */
  hold(subject: string): MailHold;
  stop(): Promise<void>;
}

interface MailHold {
  /** Resolves once a matching message has come and is being held. */
  arrived: Promise<void>;
  /** Lets the held message through (stored, acknowledged). If its sender goes away first, it is dropped then. */
  release(): void;
}

interface PendingHold {
  subject: string;
  arrive(): void;
  released: Promise<void>;
}

const MAX_MESSAGES = 1_000;

function firstAddress(header: AddressObject | AddressObject[] | undefined): string | undefined {
  const objects = Array.isArray(header) ? header : header ? [header] : [];
  return objects.flatMap((object) => object.value).find((entry) => entry.address)?.address;
}

function problem(res: Response, status: number, title: string, detail?: string): void {
  res
    .status(status)
    .type('application/problem+json')
    .json({ type: 'about:blank', title, status, ...(detail ? { detail } : {}) });
}

/** Everything that goes into a page goes through here: mail is written by whoever sends it. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The pages load nothing and run nothing; a message's own HTML is shown in a sandboxed frame. */
const PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'; img-src data:; frame-ancestors 'none'";
const STYLE =
  'body{font:14px system-ui,sans-serif;margin:2rem;max-width:60rem}table{border-collapse:collapse;width:100%}' +
  'td,th{text-align:left;padding:.3rem .6rem;border-bottom:1px solid #ddd}pre{white-space:pre-wrap;background:#f6f6f6;padding:1rem}' +
  'iframe{width:100%;height:30rem;border:1px solid #ddd}';

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

function inboxPage(messages: readonly CaughtMessage[], to: string | undefined): string {
  const rows = [...messages]
    .reverse()
    .map(
      (m) =>
        `<tr><td>${escapeHtml(m.date)}</td><td>${escapeHtml(m.from)}</td><td>${escapeHtml(m.to.join(', '))}</td>` +
        `<td><a href="/inbox/${encodeURIComponent(m.id)}">${escapeHtml(m.subject || '(no subject)')}</a></td></tr>`,
    )
    .join('');
  const filter = `<form method="get" action="/"><label>To <input name="to" value="${escapeHtml(to ?? '')}"></label> <button>Filter</button></form>`;
  const table = rows
    ? `<table><thead><tr><th>Date</th><th>From</th><th>To</th><th>Subject</th></tr></thead><tbody>${rows}</tbody></table>`
    : '<p>No messages.</p>';
  return page(
    'Mail catcher',
    `<h1>Mail catcher</h1>${filter}<p>${messages.length} message(s); JSON at <a href="/messages">/messages</a>.</p>${table}`,
  );
}

function messagePage(m: CaughtMessage): string {
  const html = m.html === undefined ? '' : `<h2>HTML part</h2><iframe sandbox title="HTML part" srcdoc="${escapeHtml(m.html)}"></iframe>`;
  return page(
    m.subject || 'Message',
    `<p><a href="/">← Inbox</a></p><h1>${escapeHtml(m.subject || '(no subject)')}</h1>` +
      `<table><tr><th>From</th><td>${escapeHtml(m.from)}</td></tr><tr><th>To</th><td>${escapeHtml(m.to.join(', '))}</td></tr>` +
      `<tr><th>Date</th><td>${escapeHtml(m.date)}</td></tr></table><h2>Text</h2><pre>${escapeHtml(m.text)}</pre>${html}`,
  );
}

/** What the catcher keeps: the messages caught (the newest last) and the subjects held back. */
interface Inbox {
  messages: CaughtMessage[];
  nextId: number;
  holds: PendingHold[];
}

/** The SMTP side: every message is parsed and kept; one whose subject is held waits for its release (or its sender's leaving). */
function smtpServerFor(inbox: Inbox): SMTPServer {
  const closedSessions = new Set<string>();
  const onSessionClosed = new Map<string, (() => void)[]>();
  const smtp = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 1_000,
    onClose(session) {
      closedSessions.add(session.id);
      for (const notify of onSessionClosed.get(session.id) ?? []) notify();
      onSessionClosed.delete(session.id);
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then(async (parsed) => {
          const held = inbox.holds.findIndex((h) => (parsed.subject ?? '').includes(h.subject));
          if (held >= 0) {
            const [hold] = inbox.holds.splice(held, 1);
            hold!.arrive();
            const closed = new Promise<void>((resolve) => {
              if (closedSessions.has(session.id)) return resolve();
              onSessionClosed.set(session.id, [...(onSessionClosed.get(session.id) ?? []), resolve]);
            });
            await Promise.race([hold!.released, closed]);
            if (closedSessions.has(session.id)) return callback(new Error('the sender went away'));
          }
          const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          inbox.messages.push({
            id: String(inbox.nextId++),
            from: firstAddress(parsed.from) ?? envelopeFrom,
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            ...(typeof parsed.html === 'string' ? { html: parsed.html } : {}),
            date: (parsed.date ?? new Date()).toISOString(),
          });
          if (inbox.messages.length > MAX_MESSAGES) inbox.messages.splice(0, inbox.messages.length - MAX_MESSAGES);
          callback();
        })
        .catch((err: unknown) => callback(err instanceof Error ? err : new Error(String(err))));
    },
  });
  smtp.on('error', (err) => console.error('[mail-catcher] SMTP error:', err.message));
  return smtp;
}

/** The HTTP side: the JSON API the tests read, and the inbox pages for people. */
function inboxApp(inbox: Inbox): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/messages', (req, res) => {
    const to = typeof req.query.to === 'string' ? req.query.to.trim().toLowerCase() : undefined;
    res.json(to ? inbox.messages.filter((m) => m.to.some((address) => address.toLowerCase() === to)) : inbox.messages);
  });
  app.get('/messages/:id', (req, res) => {
    const message = inbox.messages.find((m) => m.id === req.params.id);
    if (message) res.json(message);
    else problem(res, 404, 'Message not found');
  });
  const recipient = (req: Request) =>
    typeof req.query.to === 'string' && req.query.to.trim() ? req.query.to.trim().toLowerCase() : undefined;
  app.get('/', (req, res) => {
    const to = recipient(req);
    const shown = to ? inbox.messages.filter((m) => m.to.some((address) => address.toLowerCase() === to)) : inbox.messages;
    res.set({ 'content-security-policy': PAGE_POLICY, 'x-content-type-options': 'nosniff' }).type('html').send(inboxPage(shown, to));
  });
  app.get('/inbox/:id', (req, res) => {
    const message = inbox.messages.find((m) => m.id === req.params.id);
    if (!message) return problem(res, 404, 'Message not found');
    res.set({ 'content-security-policy': PAGE_POLICY, 'x-content-type-options': 'nosniff' }).type('html').send(messagePage(message));
  });
  app.delete('/messages', (_req, res) => {
    inbox.messages.length = 0;
    res.status(204).end();
  });
  app.use((_req: Request, res: Response) => problem(res, 404, 'Not found'));
  app.use((_err: unknown, _req: Request, res: Response, _next: NextFunction) => problem(res, 500, 'Internal error'));

  return app;
}

export async function startMailCatcher(options: StartMailCatcherOptions = {}): Promise<RunningMailCatcher> {
  const host = options.host ?? '127.0.0.1';
  const inbox: Inbox = { messages: [], nextId: 1, holds: [] };
  const smtp = smtpServerFor(inbox);
  const app = inboxApp(inbox);

  const smtpPort = await listenOn(smtp.server, options.smtpPort ?? 0, host);
  const httpServer = createServer(app);
  let httpPort: number;
  try {
    httpPort = await listenOn(httpServer, options.httpPort ?? 0, host);
  } catch (err) {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    throw err;
  }

  return {
    smtpPort,
    httpUrl: `http://${host}:${httpPort}`,
    hold(subject) {
      let arrive = () => {};
      let release = () => {};
      const arrived = new Promise<void>((resolve) => (arrive = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      inbox.holds.push({ subject, arrive, released });
      return { arrived, release };
    },
    async stop() {
      httpServer.closeAllConnections();
      await Promise.all([
        new Promise<void>((resolve) => httpServer.close(() => resolve())),
        new Promise<void>((resolve) => smtp.close(() => resolve())),
      ]);
    },
  };
}

async function main(): Promise<void> {
  const catcher = await startMailCatcher({
    smtpPort: Number(process.env.MAIL_CATCHER_SMTP_PORT ?? 1025),
    httpPort: Number(process.env.MAIL_CATCHER_HTTP_PORT ?? 1080),
    host: process.env.MAIL_CATCHER_HOST ?? '127.0.0.1',
  });
  console.warn(`[mail-catcher] SMTP on port ${catcher.smtpPort}, inbox at ${catcher.httpUrl}/, JSON API at ${catcher.httpUrl}/messages`);
  const shutdown = (): void => void catcher.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module) {
  main().catch((err: unknown) => {
    console.error('[mail-catcher] failed to start:', err);
    process.exit(1);
  });
}
