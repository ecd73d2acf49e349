import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailCatcher, type RunningMailCatcher } from '../../simulators/mail-catcher';
import { clearMessages, listMessages, waitForMessage } from '../support/mailbox';

describe('mail catcher', () => {
  let catcher: RunningMailCatcher;

  beforeAll(async () => {
    catcher = await startMailCatcher();
  });

  afterAll(async () => {
    await catcher?.stop();
  });

  const send = (to: string, subject: string, text: string) =>
    nodemailer
      .createTransport({ host: '127.0.0.1', port: catcher.smtpPort, secure: false, ignoreTLS: true })
      .sendMail({ from: '"IACS Registration" <no-reply@iacs.example.test>', to, subject, text });

  it('receives SMTP mail and serves it over HTTP, filtered by recipient', async () => {
    await send('Avery@Example.test', 'Your verification code', 'Your code is 123456.');
    await send('blake@example.test', 'Welcome', 'Hello Blake');

    const found = await waitForMessage(catcher.httpUrl, { to: 'avery@example.test', subject: /verification code/ }, 5_000);
    expect(found).toMatchObject({
      from: 'no-reply@iacs.example.test',
      subject: 'Your verification code',
    });
    expect(found.to.map((address) => address.toLowerCase())).toEqual(['avery@example.test']);
    expect(found.text).toContain('123456');
    expect(Number.isNaN(Date.parse(found.date))).toBe(false);

    const all = await listMessages(catcher.httpUrl);
    expect(all.map((m) => m.subject)).toEqual(['Your verification code', 'Welcome']);
    expect(await listMessages(catcher.httpUrl, 'AVERY@example.test')).toHaveLength(1);
    expect(await listMessages(catcher.httpUrl, 'nobody@example.test')).toEqual([]);

    const byId = await fetch(`${catcher.httpUrl}/messages/${found.id}`);
    expect(await byId.json()).toEqual(found);
    expect((await fetch(`${catcher.httpUrl}/messages/nope`)).status).toBe(404);
  });

  it('clears the mailbox', async () => {
    await clearMessages(catcher.httpUrl);
    expect(await listMessages(catcher.httpUrl)).toEqual([]);
  });

  it('times out clearly when no message arrives', async () => {
    await expect(waitForMessage(catcher.httpUrl, { to: 'avery@example.test', subject: 'Never sent' }, 300)).rejects.toThrow(
      /No message to avery@example.test/,
    );
  });
});
