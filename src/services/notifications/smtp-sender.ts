import nodemailer from 'nodemailer';
import type { MailSender } from './email-dispatcher.js';

export interface SmtpConfig {
  /** `smtp://host:port`, `smtps://user:password@host:465`, with nodemailer's query options. */
  url: string;
  /** The sender address. */
  from: string;
}

/** Sends through the configured SMTP server (nodemailer: pooled connections, STARTTLS when offered). */
export function smtpSender(config: SmtpConfig, timeoutMs = 30_000): { send: MailSender; close(): void } {
  const transport = nodemailer.createTransport(config.url, {
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  } as never);
  return {
    async send(mail) {
      await transport.sendMail({ from: config.from, to: mail.to, subject: mail.subject, text: mail.text });
    },
    close: () => transport.close(),
  };
}

/** Refuses an SMTP URL nodemailer would not understand, at start rather than at the first e-mail. */
export function checkSmtpUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`--smtp-url must be a URL such as smtp://mail.example.com:587; got '${url}'`);
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    throw new Error(`--smtp-url must start with smtp:// or smtps://; got '${url}'`);
  }
}
