// Display text of typed cells. Every value ends up in textContent, never in markup.
import { textAt, type GridColumn } from '../core/queryResult';

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));

/** Local time as "YYYY-MM-DD HH:mm:ss.SSS": sortable, unambiguous, cheap for 500k rows. */
export function formatLocalDateTime(ms: number): string {
  if (Number.isNaN(ms)) return '';
  const d = new Date(ms);
  return (
    `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ` +
    `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${pad3(d.getMilliseconds())}`
  );
}

const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 6, useGrouping: false });

export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return '';
  return Number.isInteger(n) ? String(n) : numberFormat.format(n);
}

/** A cell shows at most this much; the full value is in the expanded view, the copy and the export. */
export const MAX_CELL_CHARS = 2000;

export function cellText(col: GridColumn, row: number): string {
  switch (col.kind) {
    case 'datetime':
      return formatLocalDateTime(col.values[row] ?? NaN);
    case 'number':
      return formatNumber(col.values[row] ?? NaN);
    case 'bool': {
      const v = col.values[row] ?? -1;
      return v < 0 ? '' : v === 1 ? 'true' : 'false';
    }
    default:
      return textAt(col, row) ?? '';
  }
}

/** The full value for copying: datetimes in ISO UTC (what another tool parses), numbers unrounded. */
export function copyText(col: GridColumn, row: number): string {
  switch (col.kind) {
    case 'datetime': {
      const v = col.values[row] ?? NaN;
      return Number.isNaN(v) ? '' : new Date(v).toISOString();
    }
    case 'number': {
      const v = col.values[row] ?? NaN;
      return Number.isNaN(v) ? '' : String(v);
    }
    default:
      return cellText(col, row);
  }
}

/** Pretty JSON of a dynamic value for the expanded view; text that is not JSON stays as it is. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
