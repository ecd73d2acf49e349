/**
 * Local mail catcher: a real SMTP server (no auth, no TLS) that keeps every
 * message in memory, plus a JSON HTTP API to read them back in tests.
 *
 *   GET    /messages[?to=addr]  → CaughtMessage[] (oldest first)
 *   GET    /messages/:id        → CaughtMessage
 *   DELETE /messages            → 204, clears the mailbox
 *
 * Run alone: `tsx services/mail-catcher.ts` (MAIL_CATCHER_SMTP_PORT=1025,
 * MAIL_CATCHER_HTTP_PORT=1080, MAIL_CATCHER_HOST=127.0.0.1).
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { simpleParser, type AddressObject } from 'mailparser';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { SMTPServer } from 'smtp-server';

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

export interface StartMailCatcherOptions {
  /** Defaults to a free port. */
  smtpPort?: number;
  /** Defaults to a free port. */
  httpPort?: number;
  host?: string;
}

export interface RunningMailCatcher {
  smtpPort: number;
  httpUrl: string;
  stop(): Promise<void>;
}

const MAX_MESSAGES = 1_000;

function firstAddress(header: AddressObject | AddressObject[] | undefined): string | undefined {
  const objects = Array.isArray(header) ? header : header ? [header] : [];
  return objects.flatMap((object) => object.value).find((entry) => entry.address)?.address;
}

function listen(server: NetServer | HttpServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function problem(res: Response, status: number, title: string, detail?: string): void {
  res
    .status(status)
    .type('application/problem+json')
    .json({ type: 'about:blank', title, status, ...(detail ? { detail } : {}) });
}

export async function startMailCatcher(options: StartMailCatcherOptions = {}): Promise<RunningMailCatcher> {
  const host = options.host ?? '127.0.0.1';
  const messages: CaughtMessage[] = [];
  let nextId = 1;

  const smtp = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 1_000,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          messages.push({
            id: String(nextId++),
            from: firstAddress(parsed.from) ?? envelopeFrom,
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            ...(typeof parsed.html === 'string' ? { html: parsed.html } : {}),
            date: (parsed.date ?? new Date()).toISOString(),
          });
          if (messages.length > MAX_MESSAGES) messages.splice(0, messages.length - MAX_MESSAGES);
          callback();
        })
        .catch((err: unknown) => callback(err instanceof Error ? err : new Error(String(err))));
    },
  });
  smtp.on('error', (err) => console.error('[mail-catcher] SMTP error:', err.message));

  const app = express();
  app.disable('x-powered-by');
  app.get('/messages', (req, res) => {
    const to = typeof req.query.to === 'string' ? req.query.to.trim().toLowerCase() : undefined;
    res.json(to ? messages.filter((m) => m.to.some((address) => address.toLowerCase() === to)) : messages);
  });
  app.get('/messages/:id', (req, res) => {
    const message = messages.find((m) => m.id === req.params.id);
    if (message) res.json(message);
    else problem(res, 404, 'Message not found');
  });
  app.delete('/messages', (_req, res) => {
    messages.length = 0;
    res.status(204).end();
  });
  app.use((_req: Request, res: Response) => problem(res, 404, 'Not found'));
  app.use((_err: unknown, _req: Request, res: Response, _next: NextFunction) => problem(res, 500, 'Internal error'));

  const smtpPort = await listen(smtp.server, options.smtpPort ?? 0, host);
  const httpServer = createServer(app);
  let httpPort: number;
  try {
    httpPort = await listen(httpServer, options.httpPort ?? 0, host);
  } catch (err) {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    throw err;
  }

  return {
    smtpPort,
    httpUrl: `http://${host}:${httpPort}`,
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
  console.warn(`[mail-catcher] SMTP on port ${catcher.smtpPort}, HTTP API at ${catcher.httpUrl}/messages`);
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
