// Telemetry written by requests the emulator answered (its scoring URIs), next to the generated
// streams of data.ts. Rows carry the ids the request really had, so a client can find "its" request,
// and become visible only after an ingestion delay: Application Insights and Log Analytics show
// data minutes after it happened ("Log data ingestion time in Azure Monitor", learn.microsoft.com,
// azure-monitor/logs/data-ingestion-time: typically 20 s to 3 min). Tests shorten the delay.
import { type Table, column } from './table';

export interface LiveRow {
  /** When it happened (the table's time column), epoch ms. */
  time: number;
  /** When a query first sees it, epoch ms. */
  visibleAt: number;
  /** Cells by column name; columns the generated table lacks are dropped, missing ones are null. */
  cells: Record<string, unknown>;
}

/** A scope is an App Insights component (its ARM id) or a Log Analytics workspace (its customerId). */
export type LiveScope =
  { kind: 'appInsights'; componentId: string } | { kind: 'logAnalytics'; customerId: string };

const scopeKey = (scope: LiveScope) =>
  scope.kind === 'appInsights'
    ? `ai:${scope.componentId.toLowerCase()}`
    : `la:${scope.customerId.toLowerCase()}`;

export class LiveTelemetry {
  private readonly rows = new Map<string, Map<string, LiveRow[]>>();

  /** Ingestion delay of new rows in ms (settable while running: a test can make telemetry late). */
  ingestionDelayMs: number;

  constructor(ingestionDelayMs = 0) {
    this.ingestionDelayMs = ingestionDelayMs;
  }

  add(scope: LiveScope, table: string, time: number, cells: Record<string, unknown>, now = Date.now()): void {
    const key = scopeKey(scope);
    let tables = this.rows.get(key);
    if (!tables) this.rows.set(key, (tables = new Map<string, LiveRow[]>()));
    let list = tables.get(table);
    if (!list) tables.set(table, (list = []));
    list.push({ time, visibleAt: now + this.ingestionDelayMs, cells });
  }

  /** Every row of every table of a scope, visible at `now`, in time order. */
  visible(scope: LiveScope, now: number): Map<string, LiveRow[]> {
    const out = new Map<string, LiveRow[]>();
    for (const [table, list] of this.rows.get(scopeKey(scope)) ?? []) {
      const seen = list.filter((r) => r.visibleAt <= now).sort((a, b) => a.time - b.time);
      if (seen.length) out.set(table, seen);
    }
    return out;
  }

  /** Rows of a table written so far, visible or not (tests read what the emulator wrote). */
  written(scope: LiveScope, table: string): readonly LiveRow[] {
    return this.rows.get(scopeKey(scope))?.get(table) ?? [];
  }
}

/** Live rows as a table with exactly the generated table's columns (so the two concatenate). */
export function liveTable(like: Table, rows: readonly LiveRow[]): Table {
  return {
    length: rows.length,
    columns: like.columns.map((c) =>
      column(c.name, c.type, (r) => {
        const v = rows[r]?.cells[c.name];
        // KQL strings are never null: the empty string stands in.
        return v === undefined || v === null ? (c.type === 'string' ? '' : null) : v;
      }),
    ),
  };
}

/** `rows` after the rows of `table`. */
export function appendRows(table: Table, rows: readonly LiveRow[]): Table {
  if (rows.length === 0) return table;
  const extra = liveTable(table, rows);
  const n = table.length;
  return {
    length: n + rows.length,
    columns: table.columns.map((c, k) =>
      column(c.name, c.type, (r) => (r < n ? c.get(r) : (extra.columns[k]?.get(r - n) ?? null))),
    ),
  };
}
