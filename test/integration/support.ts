// A ready emulator and a real AzureClient pointed at it: the real SDK clients over HTTPS, the
// emulator's CA trusted for this process only, the fixed emulator token (loopback-only).
import { readFileSync } from 'node:fs';
import * as https from 'node:https';
import * as tls from 'node:tls';
import type { AzureClient, CloudEndpoints } from '../../src/azure/api';
import { createAzureClient } from '../../src/azure/client';
import { resolveCloud } from '../../src/azure/clouds';
import { createCredential } from '../../src/azure/credentials';
import { startEmulator } from '../emulator/index';
import type { Scenario } from '../emulator/scenario';

type EmulatorOptions = NonNullable<Parameters<typeof startEmulator>[0]>;
export type TestEmulator = Awaited<ReturnType<typeof startEmulator>>;

export interface TestAzureOptions {
  scenario?: EmulatorOptions['scenario'];
  latencyMs?: number;
  logIntervalMs?: number;
  lroPolls?: number;
  /** An operation nobody polls ends by itself after this long (emulator default 10 s). */
  lroMaxMs?: number;
  /** Pipeline retries (default 3, as in the product). */
  maxRetries?: number;
  /** Exponential back-off base; short in tests. Retry-After from the service is still honoured. */
  retryDelayMs?: number;
  resourceGraph?: EmulatorOptions['resourceGraph'];
}

export interface TestAzure {
  emu: TestEmulator;
  client: AzureClient;
  cloud: CloudEndpoints;
  /** Diagnostic lines the client logged (failed attempts with request ids). */
  log: string[];
  stop(): Promise<void>;
}

const trusted = new Set<string>();

function trustCa(pem: string): void {
  if (trusted.has(pem)) return;
  trusted.add(pem);
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), pem]);
}

export async function startTestAzure(options: TestAzureOptions = {}): Promise<TestAzure> {
  const emu = await startEmulator({
    scenario: options.scenario ?? 'default',
    port: 0,
    ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
    ...(options.logIntervalMs !== undefined ? { logIntervalMs: options.logIntervalMs } : {}),
    ...(options.lroPolls !== undefined ? { lroPolls: options.lroPolls } : {}),
    ...(options.lroMaxMs !== undefined ? { lroMaxMs: options.lroMaxMs } : {}),
    ...(options.resourceGraph !== undefined ? { resourceGraph: options.resourceGraph } : {}),
  });
  try {
    trustCa(readFileSync(emu.caPath, 'utf8'));
    const cloud = resolveCloud('Custom', {
      resourceManagerEndpoint: emu.url,
      logAnalyticsEndpoint: emu.logsUrl,
    });
    const log: string[] = [];
    const client = createAzureClient({
      cloud,
      credential: createCredential({ kind: 'emulator', cloud }),
      maxRetries: options.maxRetries ?? 3,
      retryDelayMs: options.retryDelayMs ?? 50,
      log: (level, message) => log.push(`${level}: ${message}`),
    });
    return {
      emu,
      client,
      cloud,
      log,
      stop: async () => {
        await emu.stop();
      },
    };
  } catch (e) {
    await emu.stop();
    throw e;
  }
}

/** The scenario the emulator serves, to derive what the tests expect. */
export function scenarioOf(emu: TestEmulator): Scenario {
  return emu.scenario;
}

/** The raw JSON of an ARM GET, straight from the emulator (to compare with what the SDK sends). */
export function rawArmGet(t: TestAzure, path: string, apiVersion = '2022-10-01'): Promise<unknown> {
  const url = new URL(`${path}?api-version=${apiVersion}`, t.emu.url);
  return new Promise((resolve, reject) => {
    https
      .get(
        url,
        { headers: { authorization: `Bearer ${t.emu.token}`, accept: 'application/json' } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if ((res.statusCode ?? 0) >= 400)
              reject(new Error(`GET ${path}: HTTP ${res.statusCode}: ${text}`));
            else resolve(JSON.parse(text) as unknown);
          });
        },
      )
      .on('error', reject);
  });
}

export interface RawAnswer {
  status: number;
  body: { error?: { code?: string; message?: string; correlationId?: string } } & Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * One raw HTTPS request with a bearer token, through node:https (which trusts the emulator's CA in
 * every host these suites run in, the VS Code extension host included, unlike global fetch).
 */
export function rawRequest(method: string, url: string, token: string, body?: unknown): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            body: (text ? JSON.parse(text) : {}) as RawAnswer['body'],
            headers: res.headers,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
