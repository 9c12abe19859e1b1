import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string | undefined;
  to: string[];
  /** The user it logged in as, if it did. */
  user?: string;
  raw: string;
}

export interface SmtpListenerOptions {
  /** Refuse every recipient with a 550. */
  refuse?: boolean;
  /** Reject every login (a 535). */
  rejectLogin?: boolean;
}

export interface SmtpListener {
  /** `smtp://127.0.0.1:<port>`, without credentials. */
  url: string;
  port: number;
  mails: ReceivedMail[];
  /** Recipients refused from now on (an outage of the mail server), or accepted again. */
  setRefusing(refusing: boolean): void;
  /** How many messages were offered (refused ones included). */
  attempts(): number;
  /** Client connections open now. */
  openConnections(): number;
  /** Messages wait, unanswered, after their data until `release()` (a mail server that hangs). */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

/** A real SMTP server on loopback that keeps what it receives; it accepts any login over plain text. */
export async function startSmtpListener(options: SmtpListenerOptions = {}): Promise<SmtpListener> {
  const mails: ReceivedMail[] = [];
  let refusing = options.refuse ?? false;
  let attempts = 0;
  let held: (() => void)[] | undefined;
  /** Connections the client closed: a held message of one was never accepted. */
  const closed = new Set<string>();
  let open = 0;
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (options.rejectLogin) return callback(new Error('Invalid username or password'));
      callback(null, { user: auth.username });
    },
    onRcptTo(_address, _session, callback) {
      attempts += 1;
      if (refusing) return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
      callback();
    },
    onConnect(_session, callback) {
      open += 1;
      callback();
    },
    onClose(session) {
      open -= 1;
      closed.add(session.id);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (held) held.push(accept);
        else accept();
      });
      const accept = () => {
        if (closed.has(session.id)) return;
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          user: session.user as string | undefined,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      };
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    mails,
    setRefusing: (value) => (refusing = value),
    attempts: () => attempts,
    openConnections: () => open,
    hold: () => (held ??= []),
    release: () => {
      const waiting = held ?? [];
      held = undefined;
      for (const accept of waiting) accept();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
