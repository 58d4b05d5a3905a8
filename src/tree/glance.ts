// The tree's at-a-glance figures of deployments: read lazily for the rows being shown, after they
// have painted, a few at a time, kept a few minutes. Never in the tree's way: a failed read shows
// nothing (and is not retried until the entry goes stale), and nothing waits on it. No vscode.
import pLimit from 'p-limit';
import type { AzureClient } from '../azure/api';
import type { Glance } from '../core/metrics';
import { Disposable, toDisposable } from '../disposable';
import { loadGlance } from '../metrics/load';

/** How long figures are kept: one-minute metrics, so a few minutes old is still "at a glance". */
export const GLANCE_TTL_MS = 3 * 60_000;
/** Reads in flight at once: two requests each, beside the tree's own reads. */
export const GLANCE_CONCURRENCY = 2;

interface Entry {
  /** Undefined while the first read runs, or after it failed. */
  glance?: Glance;
  fetchedAt: number;
  loading: boolean;
}

export interface GlanceOptions {
  getClient(): Promise<Pick<AzureClient, 'queryMetrics'> | undefined>;
  /** Called when a deployment's figures changed (the tree repaints its row). */
  onDidArrive(deploymentId: string): void;
  log(message: string): void;
  now?: () => number;
}

export class DeploymentGlances extends Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly limiter = pLimit(GLANCE_CONCURRENCY);
  private readonly inFlight = new Set<Promise<void>>();
  private abort = new AbortController();
  private readonly now: () => number;

  constructor(private readonly options: GlanceOptions) {
    super();
    this.now = options.now ?? Date.now;
    this.register(
      toDisposable(() => {
        this.abort.abort();
        this.entries.clear();
      }),
    );
  }

  /**
   * The figures known for a deployment (undefined: none yet, or the read failed). A missing or
   * stale entry starts a read after the current paint; the stale figures stay meanwhile.
   */
  peek(deploymentId: string): Glance | undefined {
    if (this.isDisposed) return undefined;
    const key = deploymentId.toLowerCase();
    const entry = this.entries.get(key);
    if (!entry || (!entry.loading && this.now() - entry.fetchedAt > GLANCE_TTL_MS))
      this.schedule(key, deploymentId, entry);
    return entry?.glance;
  }

  /** Resolves when no read is pending (tests and the bench wait on it). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Forgets everything and cancels reads (sign-out, cloud change, full reload). */
  clear(): void {
    this.abort.abort();
    this.abort = new AbortController();
    this.entries.clear();
  }

  private schedule(key: string, deploymentId: string, previous: Entry | undefined): void {
    const entry: Entry = { ...previous, fetchedAt: previous?.fetchedAt ?? 0, loading: true };
    this.entries.set(key, entry);
    const signal = this.abort.signal;
    // setTimeout, not a microtask: the row paints first, then its figures are asked for.
    const read = new Promise<void>((resolve) => setTimeout(resolve, 0))
      .then(() => this.limiter(() => this.read(deploymentId, signal)))
      .then(
        (glance) => {
          if (signal.aborted || this.entries.get(key) !== entry) return;
          this.entries.set(key, { glance, fetchedAt: this.now(), loading: false });
          this.options.onDidArrive(deploymentId);
        },
        (e: unknown) => {
          if (signal.aborted || this.entries.get(key) !== entry) return;
          // Keep what was shown; try again once the entry is stale.
          this.entries.set(key, { ...previous, fetchedAt: this.now(), loading: false });
          this.options.log(
            `metrics at a glance for ${deploymentId}: ${e instanceof Error ? e.message : String(e)}`,
          );
        },
      )
      .finally(() => this.inFlight.delete(read));
    this.inFlight.add(read);
  }

  private async read(deploymentId: string, signal: AbortSignal): Promise<Glance> {
    if (signal.aborted) throw new Error('cancelled');
    const client = await this.options.getClient();
    if (!client) throw new Error('not signed in');
    return loadGlance(client, deploymentId, this.now(), signal);
  }
}
