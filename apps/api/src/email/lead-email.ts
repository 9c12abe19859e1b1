import { isEmail } from 'class-validator';
import { publicSessionId } from '../sessions/session-namespace';
import type { LeadNotification } from './lead-notification';

/** The lead notification's content, ready for nodemailer. */
export interface LeadEmail {
  subject: string;
  text: string;
  html: string;
  /** The lead's own address, so that a reply goes straight to them; only when it is valid. */
  replyTo?: { name: string; address: string };
}

const NOT_GIVEN = '(not given)';
const SPEAKERS = { user: 'Visitor', assistant: 'Assistant', staff: 'Staff' } as const;

/** Who said it: a staff member by name. */
function speaker(message: LeadNotification['transcript'][number]): string {
  return message.role === 'staff' && message.author
    ? `${message.author.name} (staff)`
    : SPEAKERS[message.role];
}

/** Every value in the mail comes from a visitor: it is escaped before it meets HTML. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Header values stay on one line whatever a visitor typed. */
function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

function fieldValue(lead: LeadNotification, name: string): string | undefined {
  const value = lead.fields.find((field) => field.name === name)?.value;
  return value === undefined || value.trim() === '' ? undefined : oneLine(value);
}

export function composeLeadEmail(lead: LeadNotification): LeadEmail {
  const name = fieldValue(lead, 'name');
  const email = fieldValue(lead, 'email');
  const subject = `New lead: ${name ?? 'unnamed visitor'}${email ? ` (${email})` : ''}`;
  return {
    subject,
    text: composeText(lead),
    html: composeHtml(lead),
    ...(email && isEmail(email) && { replyTo: { name: name ?? '', address: email } }),
  };
}

function composeText(lead: LeadNotification): string {
  const fields = lead.fields.map((field) => `${field.label}: ${field.value?.trim() ? field.value : NOT_GIVEN}`);
  const transcript = lead.transcript.map(
    (message) => `[${message.created_at}] ${speaker(message)}:\n  ${message.content.replace(/\n/g, '\n  ')}`,
  );
  return [
    `New lead from the ${lead.profileName}`,
    '',
    ...fields,
    '',
    `Session: ${publicSessionId(lead.sessionId)}`,
    '',
    'Conversation',
    '------------',
    transcript.join('\n\n'),
    '',
  ].join('\n');
}

function composeHtml(lead: LeadNotification): string {
  const rows = lead.fields
    .map((field) => {
      const value = field.value?.trim() ? escapeHtml(field.value) : `<em>${NOT_GIVEN}</em>`;
      return `<tr><th align="left" style="padding:4px 12px 4px 0">${escapeHtml(field.label)}</th><td style="padding:4px 0">${value}</td></tr>`;
    })
    .join('\n');
  const messages = lead.transcript
    .map(
      (message) =>
        `<p><strong>${escapeHtml(speaker(message))}</strong> <small style="color:#666">${escapeHtml(message.created_at)}</small><br>` +
        `<span style="white-space:pre-wrap">${escapeHtml(message.content)}</span></p>`,
    )
    .join('\n');
  return [
    '<!doctype html>',
    '<html><body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222">',
    `<h2>New lead from the ${escapeHtml(lead.profileName)}</h2>`,
    `<table style="border-collapse:collapse">\n${rows}\n</table>`,
    `<p style="color:#666">Session ${escapeHtml(publicSessionId(lead.sessionId))}</p>`,
    '<h3>Conversation</h3>',
    messages,
    '</body></html>',
    '',
  ].join('\n');
}
