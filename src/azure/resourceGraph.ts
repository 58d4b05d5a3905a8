// Azure Resource Graph through the shared ARM pipeline: one POST per page, followed with the skip
// token. Why not @azure/arm-resourcegraph: this is one operation; the shared pipeline already holds
// the ARM token cache, retries and failed-attempt log, and gives the throttling headers that the
// paging loop must read (the SDK's typed result drops them).
// Wire: Azure/azure-rest-api-specs specification/resourcegraph/resource-manager/Microsoft.ResourceGraph/
// stable/2024-04-01/resourcegraph.json, POST /providers/Microsoft.ResourceGraph/resources.
import { RestError } from '@azure/core-rest-pipeline';
import { parseQuotaResetsAfter } from '../core/fleet';
import type { JsonClient, JsonResponse } from './pipeline';
import { abortableDelay } from './timing';

export const RESOURCE_GRAPH_API = '2024-04-01';
/** QueryRequestOptions.$top maximum in the spec; also the documented most rows per page. */
export const PAGE_ROWS = 1000;
/**
 * Subscriptions per request. The spec states no limit; the Azure CLI and PowerShell modules send
 * them in batches of 1000 (inferred from their behaviour), so a larger selection is split.
 */
const SUBSCRIPTIONS_PER_REQUEST = 1000;
/** Longest wait the loop accepts from x-ms-user-quota-resets-after before giving up. */
const MAX_QUOTA_WAIT_MS = 10_000;
/** Throttled answers (429) retried on the quota header before giving up. */
const MAX_THROTTLED_RETRIES = 2;

interface QueryResponseWire {
  totalRecords?: number;
  count?: number;
  resultTruncated?: 'true' | 'false';
  $skipToken?: string;
  data?: unknown;
}

export interface ResourceGraphResult {
  rows: unknown[];
  pages: number;
}

export class ResourceGraphTruncatedError extends Error {
  constructor(
    readonly received: number,
    readonly total: number,
  ) {
    super(`Resource Graph returned ${received} of ${total} rows without a skip token.`);
    this.name = 'ResourceGraphTruncatedError';
  }
}

/** Every row of `query` over `subscriptions`, page after page (a skip token needs the one before). */
export async function queryResourceGraph(
  json: JsonClient,
  resourceManagerEndpoint: string,
  query: string,
  subscriptions: readonly string[],
  abortSignal?: AbortSignal,
): Promise<ResourceGraphResult> {
  const url = `${resourceManagerEndpoint}/providers/Microsoft.ResourceGraph/resources?api-version=${RESOURCE_GRAPH_API}`;
  const rows: unknown[] = [];
  let pages = 0;
  for (let i = 0; i < subscriptions.length; i += SUBSCRIPTIONS_PER_REQUEST) {
    const batch = subscriptions.slice(i, i + SUBSCRIPTIONS_PER_REQUEST);
    let skipToken: string | undefined;
    do {
      const response = await sendThrottled(
        json,
        url,
        {
          subscriptions: batch,
          query,
          options: {
            resultFormat: 'objectArray',
            $top: PAGE_ROWS,
            ...(skipToken ? { $skipToken: skipToken } : {}),
          },
        },
        abortSignal,
      );
      pages++;
      const body = response.body ?? {};
      const data = Array.isArray(body.data) ? (body.data as unknown[]) : [];
      rows.push(...data);
      const next = body.$skipToken || undefined;
      // resultTruncated without a token: the index would not page this query; its answer is partial.
      if (!next && body.resultTruncated === 'true')
        throw new ResourceGraphTruncatedError(rows.length, body.totalRecords ?? rows.length);
      if (next && next === skipToken) break;
      skipToken = next;
      if (skipToken) await respectQuota(response, abortSignal);
    } while (skipToken);
  }
  return { rows, pages };
}

/** No quota left: wait until it resets before the next page rather than be throttled. */
async function respectQuota(response: JsonResponse<unknown>, abortSignal?: AbortSignal): Promise<void> {
  if (response.headers.get('x-ms-user-quota-remaining') !== '0') return;
  const wait = parseQuotaResetsAfter(response.headers.get('x-ms-user-quota-resets-after'));
  if (wait !== undefined && wait > 0) await abortableDelay(Math.min(wait, MAX_QUOTA_WAIT_MS), abortSignal);
}

/**
 * One page. A 429 that carries Retry-After is already retried by the pipeline; Resource Graph
 * documents x-ms-user-quota-resets-after instead (guidance-for-throttled-requests), which the
 * pipeline does not read: wait for it here, a few times, within a bound.
 */
async function sendThrottled(
  json: JsonClient,
  url: string,
  body: unknown,
  abortSignal?: AbortSignal,
): Promise<JsonResponse<QueryResponseWire>> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await json.send<QueryResponseWire>('POST', url, { body, abortSignal });
    } catch (e) {
      if (!(e instanceof RestError) || e.statusCode !== 429 || attempt >= MAX_THROTTLED_RETRIES) throw e;
      const wait = parseQuotaResetsAfter(e.response?.headers.get('x-ms-user-quota-resets-after'));
      if (wait === undefined || wait > MAX_QUOTA_WAIT_MS) throw e;
      await abortableDelay(wait, abortSignal);
    }
  }
}
