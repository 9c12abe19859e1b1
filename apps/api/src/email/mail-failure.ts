/** The parts of a nodemailer or file-system error that are safe to log: codes, never text. */
export interface MailFailure {
  code?: string;
  originalCode?: string;
  responseCode?: number;
  command?: string;
}

/**
 * Reads the error's codes only. Its message and the server's response text are left out on
 * purpose: they may quote the connection (host, user) or echo what was sent, and the SMTP URL
 * holds the password.
 */
export function mailFailureOf(error: unknown): MailFailure {
  const e = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const str = (value: unknown) => (typeof value === 'string' && /^[A-Za-z0-9_ .-]{1,40}$/.test(value) ? value : undefined);
  return {
    code: str(e['code']),
    originalCode: str(e['originalCode']),
    responseCode: typeof e['responseCode'] === 'number' ? e['responseCode'] : undefined,
    command: str(e['command']),
  };
}

/** `code=EENVELOPE responseCode=550 command=RCPT TO`, for logs. */
export function formatMailFailure(failure: MailFailure): string {
  const parts = [
    failure.code && `code=${failure.code}${failure.originalCode ? ` (${failure.originalCode})` : ''}`,
    failure.responseCode && `responseCode=${failure.responseCode}`,
    failure.command && `command=${failure.command}`,
  ].filter(Boolean);
  return parts.length ? parts.join(' ') : 'unknown error';
}

/** What went wrong with the SMTP delivery, in words an operator can act on. */
export function describeSmtpFailure(failure: MailFailure): string {
  const status = failure.responseCode ? ` (${failure.responseCode})` : '';
  switch (failure.code) {
    case 'EAUTH':
      return `Lead notification failed: the mail server rejected the login${status}`;
    case 'EENVELOPE':
      return `Lead notification failed: the mail server refused the sender or recipient${status}`;
    case 'EMESSAGE':
      return `Lead notification failed: the mail server refused the message${status}`;
    case 'ETIMEDOUT':
      return 'Lead notification failed: the mail server did not answer in time';
    case 'ECONNECTION':
    case 'ESOCKET':
    case 'EDNS':
    case 'ETLS':
      return `Lead notification failed: could not connect to the mail server${failure.originalCode ? ` (${failure.originalCode})` : ''}`;
    default:
      return `Lead notification failed: the mail server returned an error${status}`;
  }
}
