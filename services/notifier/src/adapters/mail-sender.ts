/**
 * Email out through nodemailer: SES (v2 API) on AWS, SMTP to the local
 * platform's server locally. SMTP 4xx replies and network errors are worth
 * another try; 5xx replies (a refused address) are not.
 */
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import nodemailer from 'nodemailer';
import { MailSendError, type MailSender } from '../domain/ports.js';

type Transport = ReturnType<typeof nodemailer.createTransport>;

function sender(transport: Transport, from: string): MailSender {
  return {
    async send(message) {
      try {
        await transport.sendMail({ from, ...message });
      } catch (err) {
        const e = err as { responseCode?: number; name?: string; $metadata?: { httpStatusCode?: number } };
        const code = e.responseCode ?? e.$metadata?.httpStatusCode;
        const permanent =
          (e.responseCode !== undefined && e.responseCode >= 500) ||
          e.name === 'MessageRejected' ||
          e.name === 'BadRequestException' ||
          (code !== undefined && code >= 400 && code < 500 && code !== 429);
        throw new MailSendError((err as Error).message, permanent);
      }
    },
  };
}

export function createSmtpMailSender(url: string, from: string): MailSender {
  return sender(nodemailer.createTransport(url), from);
}

export function createSesMailSender(from: string, configurationSet?: string): MailSender {
  const transport = nodemailer.createTransport({
    SES: { sesClient: new SESv2Client({}), SendEmailCommand },
    ...(configurationSet ? { ses: { ConfigurationSetName: configurationSet } } : {}),
  } as Parameters<typeof nodemailer.createTransport>[0]);
  return sender(transport, from);
}
