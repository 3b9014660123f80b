import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { eventually } from './wait.js';

/** One e-mail as the sink received it, parsed. */
export interface ReceivedMail {
  /** The Message-ID header, angle brackets included, e.g. `<evt-1:ana@example.com@acme.notification>`. */
  messageId: string | undefined;
  /** The From header as mailparser formats it (`"Acme Shop" <orders@acme.test>`); `headers.from` has it as sent. */
  from: string | undefined;
  /** Addresses of the To header. */
  to: string[];
  subject: string;
  text: string;
  /** The HTML body; '' when the message has none. */
  html: string;
  /** Every header line by lower-case name (folded lines unfolded; the last wins when repeated). */
  headers: Record<string, string>;
  /** The SMTP envelope: MAIL FROM and RCPT TO. */
  envelope: { from: string | null; to: string[] };
  receivedAt: Date;
}

export interface SmtpSink {
  /** `smtp://127.0.0.1:<port>`, for a service's SMTP_URL. */
  url: string;
  port: number;
  /** Everything received so far, in arrival order. */
  readonly messages: readonly ReceivedMail[];
  /** The first received message that matches, once there is one; rejects after `timeoutMs` (default 20 s). */
  waitFor(predicate: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  /** Stop listening; open client connections are cut after a second. */
  close(): Promise<void>;
}

export interface SmtpSinkOptions {
  /** 0 (default) picks a free port; pass an earlier sink's port to bring a "mail server" back. */
  port?: number;
  /** Largest message accepted (default 10 MiB); larger ones are refused with 552. */
  maxBytes?: number;
}

/**
 * A local SMTP server that accepts every message (no TLS; AUTH optional and any credentials pass)
 * and keeps it parsed in memory: what a test or the demo reads instead of a real mailbox.
 *
 * @example
 *   const sink = await startSmtpSink();
 *   // start the service with SMTP_URL = sink.url, make it send…
 *   const mail = await sink.waitFor((m) => m.to.includes('ana@example.com'));
 *   expect(mail.subject).toContain(orderId);
 *   await sink.close();
 */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  const messages: ReceivedMail[] = [];
  const server = new SMTPServer({
    name: 'smtp-sink.local',
    size: maxBytes,
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    // A closing sink should not wait long for pooled client connections (default 30 s).
    closeTimeout: 1000,
    onAuth: (auth, _session, callback) => {
      callback(null, { user: auth.username ?? 'anonymous' });
    },
    onData: (stream, session, callback) => {
      simpleParser(stream)
        .then((parsed) => {
          if (stream.sizeExceeded) {
            callback(Object.assign(new Error('message exceeds the size limit'), { responseCode: 552 }));
            return;
          }
          messages.push({
            messageId: parsed.messageId,
            from: parsed.from?.text,
            to: addresses(parsed.to),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            headers: Object.fromEntries(
              parsed.headerLines.map(({ key, line }) => [
                key,
                line
                  .slice(line.indexOf(':') + 1)
                  .replace(/\r?\n[ \t]+/g, ' ')
                  .trim(),
              ]),
            ),
            envelope: {
              from: session.envelope.mailFrom === false ? null : session.envelope.mailFrom.address,
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            },
            receivedAt: new Date(),
          });
          callback();
        })
        .catch((error: unknown) => {
          callback(error instanceof Error ? error : new Error(String(error)));
        });
    },
  });
  server.on('error', () => undefined); // a client dropping its connection is not the sink's problem

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    waitFor: (predicate, timeoutMs = 20_000) =>
      eventually(async () => Promise.resolve(messages.find(predicate)), {
        timeoutMs,
        intervalMs: 50,
        description: 'an e-mail in the SMTP sink',
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  if (field === undefined) return [];
  const groups = Array.isArray(field) ? field : [field];
  return groups.flatMap((group) => group.value.flatMap((a) => (a.address === undefined ? [] : [a.address])));
}
