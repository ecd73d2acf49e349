/** The mail catcher's HTML inbox (list and read) in Debian's chromium: what senders write is shown, never run. */
import nodemailer from 'nodemailer';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml, startMailCatcher, type RunningMailCatcher } from '../../simulators/mail-catcher';
import { launchBrowser, screenshot } from '../support/browser';
import { waitForMessage } from '../support/mailbox';

let catcher: RunningMailCatcher;
let browser: Browser;

beforeAll(async () => {
  catcher = await startMailCatcher();
  browser = await launchBrowser();
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: catcher.smtpPort, secure: false, ignoreTLS: true });
  await transport.sendMail({
    from: 'no-reply@iacs.example.test',
    to: 'avery@example.test',
    subject: 'Email Address Verification',
    text: 'Your code is 123456.',
  });
  await transport.sendMail({
    from: '"<b>Mallory</b>" <mallory@example.test>',
    to: 'blake@example.test',
    subject: '<script>window.pwned = 1</script> & "quotes"',
    text: 'Hello <img src=x onerror="window.pwned = 2">',
    html: '<p>Rich <b>body</b></p><script>parent.pwned = 3</script><img src=x onerror="parent.pwned = 4">',
  });
  await waitForMessage(catcher.httpUrl, { to: 'blake@example.test' }, 5_000);
});

afterAll(async () => {
  await browser?.close();
  await catcher?.stop();
});

describe('the mail catcher inbox', () => {
  it('escapes every character HTML gives a meaning to', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;');
  });

  it('lists the messages newest first, filters by recipient, and reads one, running nothing a sender wrote', async () => {
    const pageView = await browser.newPage();
    const dialogs: string[] = [];
    pageView.on('dialog', (dialog) => void dialog.dismiss().then(() => dialogs.push(dialog.message())));
    await pageView.goto(`${catcher.httpUrl}/`);
    const subjects = await pageView.locator('tbody tr td:nth-child(4)').allTextContents();
    expect(subjects).toEqual(['<script>window.pwned = 1</script> & "quotes"', 'Email Address Verification']);
    await screenshot(pageView, 'mail-catcher-inbox');

    await pageView.goto(`${catcher.httpUrl}/?to=AVERY@example.test`);
    expect(await pageView.locator('tbody tr').count()).toBe(1);
    await pageView.getByRole('link', { name: 'Email Address Verification' }).click();
    expect((await pageView.locator('pre').textContent())?.trim()).toBe('Your code is 123456.');

    await pageView.goto(`${catcher.httpUrl}/`);
    await pageView.locator('tbody a').first().click();
    expect(await pageView.locator('h1').textContent()).toBe('<script>window.pwned = 1</script> & "quotes"');
    expect((await pageView.locator('pre').textContent())?.trim()).toBe('Hello <img src=x onerror="window.pwned = 2">');
    expect(await pageView.frameLocator('iframe').locator('b').textContent()).toBe('body');
    await screenshot(pageView, 'mail-catcher-message');
    expect(await pageView.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    await pageView.close();
  });

  it('answers 404 problem+json for a message it does not have', async () => {
    const response = await fetch(`${catcher.httpUrl}/inbox/999`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });
});
