// startEmulator(): the local Azure emulator for tests and the demo. See README.md.
import { readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { EMULATOR_TOKEN, emulatorToken } from '../../src/azure/credentials';
import { makeCertificate } from './cert';
import { FaultController } from './faults';
import { deploymentLogKey, LiveLogs } from './logs';
import { createQueryEngine, type QueryEngine } from './query';
import { LiveTelemetry } from './query/live';
import { ScoringService } from './scoring';
import { EmulatedAzure } from './resources';
import type { Scenario } from './scenario';
import { logsOf } from './health';
import { createMonitorState } from './monitor';
import { DEFAULT_RESOURCE_GRAPH, ResourceGraph, type ResourceGraphOptions } from './resourceGraph';
import { createHandler, type PageSizes, type RecordedRequest } from './server';
import { buildDiagnoseScenario } from './scenarios/diagnose';
import { buildScaleScenario } from './scenarios/scale';

export { EMULATOR_TOKEN };
export { deploymentLogKey, legacyLogKey } from './logs';
export type { HealthProfile } from './health';
export type { FaultKind, FaultSpec } from './faults';
export type { RecordedRequest } from './server';
export type { Scenario } from './scenario';
export type { ScoringRecord } from './scoring';
export { LiveTelemetry } from './query/live';

export interface EmulatorOptions {
  /** 'default', 'scale', a path to a scenario JSON file, or a scenario object. */
  scenario?: 'default' | 'scale' | 'diagnose' | (string & {}) | Scenario;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Added to every answer (benchmarks). */
  latencyMs?: number;
  /** How often the live logs grow (default 1000 ms; 0 = only on tick()). */
  logIntervalMs?: number;
  /** An inference server restarts after about this many lines (default 600; 0 = never by itself). */
  restartEveryLines?: number;
  /** Polls of a long-running operation that answer InProgress before it ends (default 2). */
  lroPolls?: number;
  /** An operation nobody polls ends after this long (default 10 s). */
  lroMaxMs?: number;
  pageSizes?: Partial<PageSizes>;
  /** Clock of generated data (default: real time). */
  now?: () => Date;
  /** Rows of the benchmark component's requests table (default: the query engine's 500,000). */
  bigRows?: number;
  /** How late the telemetry of a scoring request becomes visible to queries (default 0 ms). */
  ingestionDelayMs?: number;
  /** Azure Resource Graph: on, quota, index lag, types left out (defaults in resourceGraph.ts). */
  resourceGraph?: Partial<ResourceGraphOptions>;
}

export interface RunningEmulator {
  /** https://127.0.0.1:<port>: Resource Manager and the v1 host (the ARM audience). */
  readonly url: string;
  /**
   * https://localhost:<port>/v1: the Logs query API. Another origin than `url`, so that its token
   * audience differs from ARM's as in Azure; a Logs token on ARM, or the reverse, is refused.
   */
  readonly logsUrl: string;
  /** PEM of the emulator's certificate, to trust (NODE_EXTRA_CA_CERTS or tls.setDefaultCACertificates). */
  readonly caPath: string;
  /** A bearer token for ARM and the v1 API (audience `url`). */
  readonly token: string;
  /** A bearer token for the Logs query API (audience the origin of `logsUrl`). */
  readonly logsToken: string;
  readonly scenario: Scenario;
  readonly faults: FaultController;
  /** Every request seen, in order. */
  readonly requests: RecordedRequest[];
  readonly logs: LiveLogs;
  readonly query: QueryEngine;
  readonly azure: EmulatedAzure;
  /** The endpoints' scoring URIs: keys, tokens, what each request got. */
  readonly scoring: ScoringService;
  /** Rows written by answered scoring requests (ingestionDelayMs is settable while running). */
  readonly telemetry: LiveTelemetry;
  /** The Resource Graph index; its options can be changed while it runs. */
  readonly graph: ResourceGraph;
  stop(): Promise<void>;
}

export const DEFAULT_PAGE_SIZES: PageSizes = {
  subscriptions: 1,
  workspaces: 2,
  endpoints: 3,
  deployments: 2,
  services: 2,
};

export function loadScenario(spec: EmulatorOptions['scenario'] = 'default'): Scenario {
  if (typeof spec === 'object') return spec;
  if (spec === 'scale') return buildScaleScenario();
  if (spec === 'diagnose') return buildDiagnoseScenario();
  const path = spec === 'default' ? `${__dirname}/scenarios/default.json` : spec;
  return JSON.parse(readFileSync(path, 'utf8')) as Scenario;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const scenario = loadScenario(options.scenario);
  const now = options.now ?? (() => new Date());
  const cert = await makeCertificate();
  let url = '';
  const azure = new EmulatedAzure(scenario, () => url);
  const logs = new LiveLogs({
    seed: scenario.seed,
    intervalMs: options.logIntervalMs ?? 1000,
    restartEveryLines: options.restartEveryLines ?? 600,
    now,
  });
  // Deployments whose profile has fixed logs (a failed init, a crash loop…) show those.
  for (const d of azure.deployments.values()) {
    const profile = d.endpoint.deployments.find((x) => x.name === d.body.name)?.health;
    const fixed = profile ? logsOf(profile, now()) : undefined;
    if (!fixed) continue;
    const ref = {
      subscriptionId: d.workspace.sub.subscriptionId,
      workspaceName: d.workspace.ws.name,
      endpointName: d.endpoint.name,
      deploymentName: d.body.name,
    };
    if (fixed.inferenceServer) logs.pin(deploymentLogKey(ref, 'InferenceServer'), fixed.inferenceServer);
    if (fixed.storageInitializer)
      logs.pin(deploymentLogKey(ref, 'StorageInitializer'), fixed.storageInitializer);
  }
  const faults = new FaultController();
  const telemetry = new LiveTelemetry(options.ingestionDelayMs ?? 0);
  const query = createQueryEngine(scenario, {
    seed: scenario.seed,
    now,
    live: telemetry,
    ...(options.bigRows !== undefined ? { bigRows: options.bigRows } : {}),
  });
  const requests: RecordedRequest[] = [];
  const scoring = new ScoringService({ azure, faults, query, live: telemetry, now, seed: scenario.seed });
  const graph = new ResourceGraph(azure, { ...DEFAULT_RESOURCE_GRAPH, ...options.resourceGraph });
  const logsOrigin = () => url.replace('//127.0.0.1:', '//localhost:');
  const handler = createHandler({
    scoring,
    graph,
    url: () => url,
    armAudience: () => url,
    logsAudience: logsOrigin,
    azure,
    logs,
    faults,
    query,
    requests,
    latencyMs: options.latencyMs ?? 0,
    lroPolls: options.lroPolls ?? 2,
    lroMaxMs: options.lroMaxMs ?? 10_000,
    pageSizes: { ...DEFAULT_PAGE_SIZES, ...options.pageSizes },
    monitor: createMonitorState(azure),
    now,
  });
  const server: Server = createServer({ key: cert.key, cert: cert.cert, keepAlive: true }, handler.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tokenLifetime = Date.now() + 365 * 24 * 3600 * 1000;
  return {
    url,
    logsUrl: `${logsOrigin()}/v1`,
    caPath: cert.caPath,
    token: emulatorToken(url, tokenLifetime),
    logsToken: emulatorToken(logsOrigin(), tokenLifetime),
    scenario,
    faults,
    requests,
    logs,
    query,
    azure,
    scoring,
    telemetry,
    graph,
    stop: async () => {
      logs.dispose();
      handler.dispose();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(cert.dir, { recursive: true, force: true });
    },
  };
}
