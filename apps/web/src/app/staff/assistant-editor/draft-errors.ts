/*
 * The server's word on a draft: `400 invalid_request` whose message names every wrong key,
 * `The draft is invalid: fields[2].kind: must be one of: …; appearance.position: …`. Each
 * problem is put beside the form control it belongs to; the rest are listed above the form.
 */

/** A problem's path (`fields[2].options[0]`, `appearance.accent_color`) at the start of a part. */
const PROBLEM = /^([a-z_][a-z0-9_]*(?:\[\d+\]|\.[a-z_][a-z0-9_]*)*): (.*)$/;

const TOP_LEVEL = new Set([
  'name',
  'persona',
  'greeting',
  'instructions',
  'fallback_answer',
  'privacy_notice',
  'privacy_url',
  'fields',
  'allowed_origins',
  'appearance',
]);
const FIELD_KEYS = new Set([
  'name',
  'label',
  'description',
  'kind',
  'required',
  'options',
  'min_length',
  'max_length',
  'question',
]);
const APPEARANCE_KEYS = new Set([
  'title',
  'accent_color',
  'launcher_label',
  'position',
  'avatar_url',
]);

export interface DraftProblems {
  /** Reasons by form control (`name`, `fields[2].kind`, `appearance.accent_color`, `email_recipients`). */
  byControl: Readonly<Record<string, readonly string[]>>;
  /** Problems no control shows (`knowledge[0].answer: …`), as the server wrote them. */
  unmapped: readonly string[];
}

/** The problems of a refused draft, split by the control each belongs to. */
export function draftProblems(message: string): DraftProblems {
  const body = message.replace(/^The draft is invalid:\s*/, '').replace(/\.$/, '');
  const byControl: Record<string, string[]> = {};
  const unmapped: string[] = [];
  // Reasons for one key are joined by "; " too: a part without a path adds to the one before.
  let last: { control: string | null; index: number } | null = null;
  for (const part of body.split('; ')) {
    const problem = PROBLEM.exec(part);
    if (!problem) {
      if (!last) unmapped.push(part);
      else if (last.control) byControl[last.control][last.index] += `; ${part}`;
      else unmapped[last.index] += `; ${part}`;
      continue;
    }
    const [, path, reason] = problem;
    const control = controlOf(path);
    if (control) {
      (byControl[control] ??= []).push(reason);
      last = { control, index: byControl[control].length - 1 };
    } else {
      unmapped.push(part);
      last = { control: null, index: unmapped.length - 1 };
    }
  }
  return { byControl, unmapped };
}

/** The form control that shows the key at `path`, or null when the form does not show it. */
export function controlOf(path: string): string | null {
  const item = /^fields\[(\d+)\](?:\.([a-z_]+))?/.exec(path);
  if (item)
    return item[2] && FIELD_KEYS.has(item[2])
      ? `fields[${item[1]}].${item[2]}`
      : `fields[${item[1]}]`;
  const [head, rest] = splitHead(path);
  if (head === 'notifications') {
    if (rest.startsWith('email_recipients')) return 'email_recipients';
    if (rest.startsWith('webhook_url')) return 'webhook_url';
    return 'email_recipients';
  }
  if (head === 'appearance') {
    const key = /^[a-z_]+/.exec(rest)?.[0];
    return key && APPEARANCE_KEYS.has(key) ? `appearance.${key}` : 'appearance';
  }
  return TOP_LEVEL.has(head) ? head : null;
}

function splitHead(path: string): [string, string] {
  const match = /^([a-z_][a-z0-9_]*)(?:\.|\[\d+\]\.?)?(.*)$/.exec(path);
  return match ? [match[1], match[2]] : [path, ''];
}

/** The id of a control's element, from its key (`fields[2].kind` → `ae-fields-2-kind`). */
export function controlId(control: string): string {
  return 'ae-' + control.replace(/[^a-z0-9]+/gi, '-').replace(/-$/, '');
}
