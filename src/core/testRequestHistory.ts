// The short per-endpoint history of test requests: what was sent where and what came back. It holds
// no key or token (they never leave the scoring session) and only small request bodies.

/** Bodies above this size are not kept in the history: a resend reads their file again. */
export const MAX_KEPT_BODY_CHARS = 64 * 1024;
export const MAX_ENTRIES_PER_ENDPOINT = 10;

export interface EndpointCoordinates {
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
  endpointName: string;
}

export type RequestSource =
  /** A file read (streamed) when sent. */
  | { kind: 'file'; uri: string; label: string }
  /** Editor text (unsaved or untitled), kept when small; `text` absent means too large to keep. */
  | { kind: 'text'; label: string; text?: string };

export interface HistoryEntry {
  id: string;
  /** ARM id of the endpoint, lower case: the history's key. */
  endpointId: string;
  endpoint: EndpointCoordinates;
  /** Pinned deployment (azureml-model-deployment), if any. */
  deployment?: string;
  source: RequestSource;
  sentAt: string;
  clientRequestId: string;
  status?: number;
  totalMs?: number;
  requestId?: string;
  servedBy?: string;
  /** Why no answer came (network, auth setup), in the user's language. */
  failure?: string;
}

/** The entries with `entry` first, at most `max` per endpoint, other endpoints untouched. */
export function pushHistory(
  entries: readonly HistoryEntry[],
  entry: HistoryEntry,
  max = MAX_ENTRIES_PER_ENDPOINT,
): HistoryEntry[] {
  let kept = 1;
  const others = entries.filter(
    (e) => e.id !== entry.id && (e.endpointId !== entry.endpointId || ++kept <= max),
  );
  return [entry, ...others];
}

/** A source as the history may keep it: editor text only while small. */
export function keptSource(source: RequestSource): RequestSource {
  if (source.kind === 'text' && source.text !== undefined && source.text.length > MAX_KEPT_BODY_CHARS)
    return { kind: 'text', label: source.label };
  return source;
}

/** Entries read back from storage that still have the expected shape (a newer version may differ). */
export function validEntries(raw: unknown): HistoryEntry[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(
    (e): e is HistoryEntry =>
      typeof e === 'object' &&
      e !== null &&
      typeof (e as HistoryEntry).id === 'string' &&
      typeof (e as HistoryEntry).endpointId === 'string' &&
      typeof (e as HistoryEntry).endpoint?.endpointName === 'string' &&
      typeof (e as HistoryEntry).source?.kind === 'string' &&
      typeof (e as HistoryEntry).clientRequestId === 'string',
  );
}

/** One Markdown table cell: no pipe, newline or HTML can escape it (values come from the network). */
export function markdownCell(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/`/g, '\\`');
}
