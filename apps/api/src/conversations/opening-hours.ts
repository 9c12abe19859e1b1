import {
  type AssistantHandoff,
  OPENING_PERIOD_PATTERN,
  WEEKDAYS,
  type Weekday,
} from '@chat/contracts';

type OpeningHours = NonNullable<AssistantHandoff['hours']>;

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: unknown): boolean {
  if (typeof timeZone !== 'string' || timeZone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Why `days` is not a valid week of opening periods, or undefined if it is. */
export function openingDaysProblem(days: unknown): string | undefined {
  if (typeof days !== 'object' || days === null || Array.isArray(days)) {
    return 'must be an object of days (mon … sun) to periods';
  }
  for (const [day, periods] of Object.entries(days)) {
    if (!(WEEKDAYS as readonly string[]).includes(day)) return `unknown day ${day} (mon … sun)`;
    if (!Array.isArray(periods) || periods.length > 4) return `${day}: at most 4 periods`;
    for (const period of periods) {
      if (typeof period !== 'string' || !OPENING_PERIOD_PATTERN.test(period)) {
        return `${day}: each period is HH:MM-HH:MM`;
      }
      const [from, to] = period.split('-').map(minutesOf);
      if (from >= to) return `${day}: ${period} ends before it starts`;
    }
  }
  return undefined;
}

function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return hours * 60 + minutes;
}

/** The weekday and minute of the day at `now` in `timeZone`. */
function localTime(now: Date, timeZone: string): { day: Weekday; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = part('weekday').toLowerCase().slice(0, 3) as Weekday;
  return { day, minute: Number(part('hour')) * 60 + Number(part('minute')) };
}

/** Whether a person can be asked for at `now`: always without hours. */
export function isOpen(hours: OpeningHours | undefined, now = new Date()): boolean {
  if (!hours) return true;
  const { day, minute } = localTime(now, hours.time_zone);
  return (hours.days[day] ?? []).some((period) => {
    const [from, to] = period.split('-').map(minutesOf);
    return minute >= from && minute < to;
  });
}
