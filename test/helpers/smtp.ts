import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A message as the test SMTP server received it: the envelope, and the mail as a mail program decodes it. */
export interface Received {
  envelopeTo: string[];
  parsed: ParsedMail;
}

export interface TestSmtpServer {
  url: string;
  received: Received[];
  /** Refuse the next n messages at DATA with a temporary error (451). */
  refuseNext(n: number): void;
  /** Messages whose subject contains the text, for one recipient address. */
  to(address: string, subject?: string): Received[];
  close(): Promise<void>;
}

/**
 * A real SMTP server in the test process (smtp-server), on a free loopback
 * port, with AUTH PLAIN/LOGIN accepting one user, no TLS. Every message is
 * parsed with mailparser, so tests read headers and the Japanese subject the
 * way a customer's mail program shows them.
 */
export async function startSmtpServer(): Promise<TestSmtpServer> {
  const received: Received[] = [];
  let refusals = 0;
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'mailer' && auth.password === 'secret') return callback(null, { user: 'mailer' });
      callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (refusals > 0) {
          refusals -= 1;
          const error = new Error('try again later') as Error & { responseCode: number };
          error.responseCode = 451;
          return callback(error);
        }
        simpleParser(Buffer.concat(chunks)).then(
          (parsed) => {
            received.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), parsed });
            callback();
          },
          (err: Error) => callback(err),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://mailer:secret@127.0.0.1:${port}`,
    received,
    refuseNext: (n) => {
      refusals = n;
    },
    to: (address, subject) =>
      received.filter((r) => r.envelopeTo.includes(address) && (subject === undefined || (r.parsed.subject ?? '').includes(subject))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
