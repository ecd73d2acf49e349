/** Mail over SMTP (nodemailer), with a ledger so that a retried activity never sends twice. */
import nodemailer from 'nodemailer';
import { SentEmailModel } from '../models/support';

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  /** Sends now, whatever was sent before. For messages that carry a fresh secret each time. */
  send(email: OutgoingEmail): Promise<void>;
  /** Sends unless an email with this key was already sent. */
  sendOnce(key: string, email: OutgoingEmail): Promise<void>;
  close(): void;
}

export function createMailer(smtp: { host: string; port: number; from: string }): Mailer {
  const transport = nodemailer.createTransport({ host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true, pool: true });
  const send = async (email: OutgoingEmail) => {
    await transport.sendMail({ from: smtp.from, to: email.to, subject: email.subject, text: email.text });
  };
  return {
    send,
    async sendOnce(key, email) {
      if (await SentEmailModel.exists({ _id: key })) return;
      await send(email);
      await SentEmailModel.updateOne(
        { _id: key },
        { $setOnInsert: { to: email.to, subject: email.subject, sentAt: new Date() } },
        { upsert: true },
      );
    },
    close: () => transport.close(),
  };
}
