// Contract fixtures (fixtures/*.json): for one operation, what Microsoft's published material says
// the request is, and the example response it publishes. Facts only; each names its source.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CapturedRequest, ReplayExchange } from './replay';
import { templateToRegExp } from './replay';

export interface ContractFixture {
  operation: string;
  source: { repository: string; spec: string; example: string | null; apiVersion: string };
  request: {
    method: string;
    path: string;
    apiVersion?: string;
    query: { required: string[]; allowed?: string[] };
    /** Member names, dotted for nested ones (`properties.endpointComputeType`). */
    body?: { allowed: string[]; required: string[]; readOnly?: string[] };
    headers?: { allowed?: string[]; required?: string[] };
  };
  parameters: Record<string, string>;
  response: { status: number; headers?: Record<string, string>; body: unknown };
  notes?: string[];
}

const dir = join(__dirname, 'fixtures');

export function loadFixtures(): Map<string, ContractFixture> {
  const all = new Map<string, ContractFixture>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    all.set(
      file.replace(/\.json$/, ''),
      JSON.parse(readFileSync(join(dir, file), 'utf8')) as ContractFixture,
    );
  }
  return all;
}

/** The fixture's example response as a replay exchange (its path template answers any names). */
export function exchangeOf(fixture: ContractFixture, body: unknown = fixture.response.body): ReplayExchange {
  return {
    method: fixture.request.method,
    path: fixture.request.path,
    status: fixture.response.status,
    ...(fixture.response.headers ? { headers: fixture.response.headers } : {}),
    body,
  };
}

/** Asserts that a request the client sent is the operation the fixture describes. */
export function assertRequestMatches(fixture: ContractFixture, sent: CapturedRequest | undefined): void {
  const spec = fixture.request;
  const what = `${fixture.operation} (${fixture.source.spec})`;
  assert.ok(sent, `${what}: the client sent no request`);
  assert.equal(sent.method, spec.method, `${what}: method`);
  assert.ok(!sent.path.includes('//'), `${what}: a doubled slash in ${sent.path}`);
  assert.match(sent.path, templateToRegExp(spec.path), `${what}: path`);
  if (spec.apiVersion) assert.equal(sent.query['api-version'], spec.apiVersion, `${what}: api-version`);
  for (const name of spec.query.required) assert.ok(name in sent.query, `${what}: query ${name} missing`);
  if (spec.query.allowed) {
    for (const name of Object.keys(sent.query))
      assert.ok(spec.query.allowed.includes(name), `${what}: query ${name} is not in the operation`);
  }
  for (const name of spec.headers?.required ?? [])
    assert.ok(name in sent.headers, `${what}: header ${name} missing`);
  if (!spec.body) return;
  assert.equal(typeof sent.body, 'object', `${what}: a JSON object body`);
  const body = sent.body as Record<string, unknown>;
  for (const name of Object.keys(body))
    assert.ok(spec.body.allowed.includes(name), `${what}: body member ${name} is not in the operation`);
  for (const path of spec.body.required)
    assert.notEqual(memberAt(body, path), undefined, `${what}: required body member ${path} missing`);
  for (const path of spec.body.readOnly ?? [])
    assert.equal(memberAt(body, path), undefined, `${what}: read-only member ${path} sent`);
}

function memberAt(body: Record<string, unknown>, dotted: string): unknown {
  let at: unknown = body;
  for (const part of dotted.split('.')) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}
