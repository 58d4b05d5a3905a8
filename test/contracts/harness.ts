// What every contract suite starts from: the fixtures by name, and the real client pointed at a
// replay server whose certificate this process trusts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import type { AzureClient } from '../../src/azure/api';
import { createAzureClient } from '../../src/azure/client';
import { resolveCloud } from '../../src/azure/clouds';
import { createCredential } from '../../src/azure/credentials';
import { loadFixtures, type ContractFixture } from './fixtures';
import { startReplay, type ReplayServer } from './replay';

const fixtures = loadFixtures();

export function fixture(name: string): ContractFixture {
  const f = fixtures.get(name);
  assert.ok(f, `fixture ${name}`);
  return f;
}

/** The replay server and a client without retries (a contract answer is replayed once). */
export async function startContractClient(): Promise<{ replay: ReplayServer; client: AzureClient }> {
  const replay = await startReplay();
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), readFileSync(replay.caPath, 'utf8')]);
  const cloud = resolveCloud('Custom', {
    resourceManagerEndpoint: replay.url,
    logAnalyticsEndpoint: replay.logsUrl,
  });
  const client = createAzureClient({
    cloud,
    credential: createCredential({ kind: 'emulator', cloud }),
    maxRetries: 0,
  });
  return { replay, client };
}
