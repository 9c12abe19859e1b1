import { HttpClient } from '@angular/common/http';
import { inject, Injectable, signal } from '@angular/core';
import type { AssistantDetail, AssistantDraft, AssistantSummary } from '@chat/contracts';
import { firstValueFrom } from 'rxjs';

/** A field of an assistant, as a lead's details are labelled with it. */
export interface FieldLabel {
  name: string;
  label: string;
}

/** A collected value with the label its assistant gives it. */
export interface LabelledValue extends FieldLabel {
  value: string;
}

/**
 * The assistants staff can filter leads by (`GET /admin/assistants`) and each one's fields (its
 * draft's, `GET /admin/assistants/{id}`, read once per assistant), for the labels of its leads'
 * details. Whatever cannot be read shows by its id or its field names.
 */
@Injectable()
export class AssistantFields {
  private readonly http = inject(HttpClient);
  private readonly _assistants = signal<readonly AssistantSummary[]>([]);
  private readonly _fields = signal<ReadonlyMap<string, readonly FieldLabel[]>>(new Map());
  private readonly asked = new Set<string>();
  readonly assistants = this._assistants.asReadonly();

  constructor() {
    firstValueFrom(
      this.http.get<AssistantSummary[]>('/api/admin/assistants', { cache: 'no-store' }),
    ).then(
      (assistants) => this._assistants.set(assistants),
      () => undefined,
    );
  }

  /** The assistant's name, or its id until (or unless) the list says it. */
  name(assistantId: string): string {
    return (
      this._assistants().find((assistant) => assistant.id === assistantId)?.name ?? assistantId
    );
  }

  /** The assistant's fields in its order: none until `load(assistantId)` has read them. */
  fieldsOf(assistantId: string): readonly FieldLabel[] {
    return this._fields().get(assistantId) ?? [];
  }

  /** Reads the assistant's fields, once. */
  load(assistantId: string): void {
    if (this.asked.has(assistantId)) return;
    this.asked.add(assistantId);
    const url = `/api/admin/assistants/${encodeURIComponent(assistantId)}`;
    firstValueFrom(this.http.get<AssistantDetail>(url, { cache: 'no-store' })).then(
      (detail) =>
        this._fields.update((all) => new Map(all).set(assistantId, draftFields(detail.draft))),
      () => undefined,
    );
  }

  /** Each collected value with its label: the assistant's fields first, in its order, then any other by name. */
  labelled(assistantId: string, values: Readonly<Record<string, string>>): LabelledValue[] {
    const known = this.fieldsOf(assistantId);
    return [
      ...known.filter((field) => values[field.name]),
      ...Object.keys(values)
        .filter((name) => !known.some((field) => field.name === name))
        .map((name) => ({ name, label: name })),
    ].map(({ name, label }) => ({ name, label, value: values[name] }));
  }
}

/** The draft's fields as name and label (a draft is untyped JSON: anything else is skipped, a missing label is the name). */
function draftFields(draft: AssistantDraft): FieldLabel[] {
  const fields = Array.isArray(draft['fields']) ? (draft['fields'] as unknown[]) : [];
  return fields.flatMap((field) => {
    const { name, label } = (field ?? {}) as { name?: unknown; label?: unknown };
    if (typeof name !== 'string') return [];
    return [{ name, label: typeof label === 'string' && label ? label : name }];
  });
}
