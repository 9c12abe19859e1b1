import { Pipe, type PipeTransform } from '@angular/core';

const FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A timestamp as the reader's locale and time zone write it; empty for none. */
@Pipe({ name: 'when' })
export class WhenPipe implements PipeTransform {
  transform(iso: string | null | undefined): string {
    if (!iso) return '';
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? '' : FORMAT.format(date);
  }
}
