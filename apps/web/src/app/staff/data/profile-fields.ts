import { inject, Injectable, signal } from '@angular/core';
import type { LeadFieldDescriptor } from '@chat/contracts';
import { ChatApi } from '../../chat/chat-api';

/**
 * The fields the assistant collects (the public profile), for their labels and order. Read once;
 * without it, fields show by their names.
 */
@Injectable()
export class ProfileFields {
  private readonly chatApi = inject(ChatApi);
  private readonly _fields = signal<readonly LeadFieldDescriptor[]>([]);
  readonly fields = this._fields.asReadonly();

  constructor() {
    this.chatApi.getProfile().then(
      (profile) => this._fields.set(profile.fields),
      () => undefined,
    );
  }

  /** Name and value of each collected field: the profile's first, in its order, then any other. */
  labelled(values: Readonly<Record<string, string>>): { name: string; label: string; value: string }[] {
    const known = this._fields();
    const ordered = [
      ...known.filter((field) => values[field.name]).map((field) => ({ name: field.name, label: field.label })),
      ...Object.keys(values)
        .filter((name) => !known.some((field) => field.name === name))
        .map((name) => ({ name, label: name })),
    ];
    return ordered.map(({ name, label }) => ({ name, label, value: values[name] }));
  }
}
