// The query panel's time range: presets, and a custom range typed in datetime-local inputs (local
// time, minutes). Pure: no DOM, so unit tests check it.
import { presetDurations, type PresetDuration, type TimeRange } from '../query/protocol';

/** An ISO instant as a datetime-local input's value, in local time ('' for an invalid date). */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** A datetime-local input's value as an ISO instant, or undefined when empty or invalid. */
export function fromLocalInput(value: string): string | undefined {
  const d = new Date(value);
  return value && !Number.isNaN(d.getTime()) ? d.toISOString() : undefined;
}

/** The range select's value as a preset ('custom' and anything unknown: the default, 24 hours). */
export function presetOf(value: string): PresetDuration {
  return presetDurations.find((d) => d === value) ?? 'PT24H';
}

/**
 * A custom range from the two inputs: undefined unless both are dates and (when `ordered`, as for a
 * run) start is before end. Saving keeps an unordered range: the user's typing is not lost.
 */
export function customRange(start: string, end: string, ordered = true): TimeRange | undefined {
  const from = fromLocalInput(start);
  const to = fromLocalInput(end);
  if (!from || !to || (ordered && Date.parse(from) >= Date.parse(to))) return undefined;
  return { kind: 'custom', start: from, end: to };
}

/** What the inputs show when the user first picks a custom range: the last hour. */
export function initialCustomInputs(now: number): { start: string; end: string } {
  return {
    start: toLocalInput(new Date(now - 3600_000).toISOString()),
    end: toLocalInput(new Date(now).toISOString()),
  };
}
