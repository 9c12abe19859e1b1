import type { AssistantDraft } from '@chat/contracts';

/*
 * The editor's form model and its conversion to and from a draft. The form holds text the way
 * it is typed (lists one a line, numbers as typed) so that the server, which is the judge,
 * sees what was written and names what is wrong; keys the form does not show (`knowledge`, a
 * key added later) ride along unchanged.
 */

/** The kinds `LeadFieldSpecSchema` accepts. */
export const FIELD_KINDS = ['text', 'email', 'phone', 'choice'] as const;
export const POSITIONS = ['bottom-right', 'bottom-left'] as const;

/** The bounds of the API's profile schema (`PROFILE_LIMITS`), kept here so the form enforces them too. */
export const DRAFT_LIMITS = {
  name: 100,
  persona: 4_000,
  greeting: 1_000,
  instructions: 20_000,
  fallback_answer: 4_000,
  privacy_notice: 500,
  field_text: 500,
  fields: 30,
  options: 50,
  allowed_origins: 20,
  email_recipients: 20,
} as const;

/** The widget's look when a draft sets none (the API's `DEFAULT_APPEARANCE`). */
const DEFAULT_APPEARANCE = {
  accent_color: '#2563eb',
  launcher_label: 'Chat with us',
  position: 'bottom-right',
};

export interface LeadFieldForm {
  /** Tells the rows apart while they move; never sent. */
  key: number;
  name: string;
  label: string;
  description: string;
  kind: string;
  required: boolean;
  /** One a line; sent for a choice field only. */
  options: string;
  min_length: string;
  max_length: string;
  question: string;
  /** The field's keys the form does not show. */
  extra: Record<string, unknown>;
}

export interface DraftForm {
  name: string;
  persona: string;
  greeting: string;
  instructions: string;
  fallback_answer: string;
  privacy_notice: string;
  privacy_url: string;
  fields: LeadFieldForm[];
  /** Off: no `appearance`, and the widget draws its defaults. */
  custom_appearance: boolean;
  appearance: {
    title: string;
    accent_color: string;
    launcher_label: string;
    position: string;
    avatar_url: string;
  };
  /** One a line. */
  allowed_origins: string;
  /** One a line (or separated by commas). */
  email_recipients: string;
  webhook_url: string;
}

let nextKey = 0;

export function newLeadField(): LeadFieldForm {
  return {
    key: ++nextKey,
    name: '',
    label: '',
    description: '',
    kind: 'text',
    required: false,
    options: '',
    min_length: '',
    max_length: '',
    question: '',
    extra: {},
  };
}

export function draftToForm(draft: AssistantDraft): DraftForm {
  const appearance = record(draft['appearance']);
  const notifications = record(draft['notifications']);
  const fields = Array.isArray(draft['fields']) ? draft['fields'] : [];
  return {
    name: text(draft['name']),
    persona: text(draft['persona']),
    greeting: text(draft['greeting']),
    instructions: text(draft['instructions']),
    fallback_answer: text(draft['fallback_answer']),
    privacy_notice: text(draft['privacy_notice']),
    privacy_url: text(draft['privacy_url']),
    fields: fields.map((item) => fieldToForm(record(item))),
    custom_appearance: draft['appearance'] !== undefined,
    appearance: {
      title: text(appearance['title'] ?? draft['name']),
      accent_color: text(appearance['accent_color'] ?? DEFAULT_APPEARANCE.accent_color),
      launcher_label: text(appearance['launcher_label'] ?? DEFAULT_APPEARANCE.launcher_label),
      position: text(appearance['position'] ?? DEFAULT_APPEARANCE.position),
      avatar_url: text(appearance['avatar_url']),
    },
    allowed_origins: lines(draft['allowed_origins']),
    email_recipients: lines(notifications['email_recipients']),
    webhook_url: text(notifications['webhook_url']),
  };
}

/** The draft to save: `original` with the form's keys replaced, and its other keys as they were. */
export function formToDraft(form: DraftForm, original: AssistantDraft): AssistantDraft {
  const draft: AssistantDraft = { ...original };
  draft['name'] = form.name;
  draft['persona'] = form.persona;
  draft['greeting'] = form.greeting;
  draft['instructions'] = form.instructions;
  draft['fallback_answer'] = form.fallback_answer;
  setOptional(
    draft,
    'privacy_notice',
    form.privacy_notice.trim() ? form.privacy_notice : undefined,
  );
  setOptional(draft, 'privacy_url', form.privacy_url.trim() || undefined);
  draft['fields'] = form.fields.map(formToField);
  if (form.custom_appearance) {
    const appearance: Record<string, unknown> = {
      ...record(original['appearance']),
      title: form.appearance.title,
      accent_color: form.appearance.accent_color,
      launcher_label: form.appearance.launcher_label,
      position: form.appearance.position,
    };
    setOptional(appearance, 'avatar_url', form.appearance.avatar_url.trim() || undefined);
    draft['appearance'] = appearance;
  } else {
    delete draft['appearance'];
  }
  const origins = splitLines(form.allowed_origins);
  setOptional(
    draft,
    'allowed_origins',
    origins.length > 0 || original['allowed_origins'] !== undefined ? origins : undefined,
  );
  const recipients = splitLines(form.email_recipients.replace(/,/g, '\n'));
  const webhook = form.webhook_url.trim();
  if (recipients.length > 0 || webhook || original['notifications'] !== undefined) {
    const notifications: Record<string, unknown> = {
      ...record(original['notifications']),
      email_recipients: recipients,
    };
    setOptional(notifications, 'webhook_url', webhook || undefined);
    draft['notifications'] = notifications;
  }
  return draft;
}

function fieldToForm(field: Record<string, unknown>): LeadFieldForm {
  const {
    name,
    label,
    description,
    kind,
    required,
    options,
    min_length,
    max_length,
    question,
    ...extra
  } = field;
  return {
    key: ++nextKey,
    name: text(name),
    label: text(label),
    description: text(description),
    kind: text(kind),
    required: required === true,
    options: lines(options),
    min_length: number(min_length),
    max_length: number(max_length),
    question: text(question),
    extra,
  };
}

function formToField(field: LeadFieldForm): Record<string, unknown> {
  const spec: Record<string, unknown> = {
    ...field.extra,
    name: field.name,
    label: field.label,
    description: field.description,
    kind: field.kind,
    required: field.required,
  };
  if (field.kind === 'choice') spec['options'] = splitLines(field.options);
  setOptional(spec, 'min_length', typedNumber(field.min_length));
  setOptional(spec, 'max_length', typedNumber(field.max_length));
  setOptional(spec, 'question', field.question.trim() ? field.question : undefined);
  return spec;
}

/** A whole number as a number; anything else typed is sent as typed, for the server to name. */
function typedNumber(value: string): number | string | undefined {
  const trimmed = value.trim();
  if (!trimmed) return undefined;
  return /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}

function setOptional(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value === undefined) delete target[key];
  else target[key] = value;
}

function splitLines(value: string): string[] {
  return value
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function number(value: unknown): string {
  return typeof value === 'number' || typeof value === 'string' ? String(value) : '';
}

function lines(value: unknown): string {
  return Array.isArray(value) ? value.map(String).join('\n') : '';
}
