// Every ready query of the trace query panel against the emulator's Logs API with the real client:
// App Insights queries for a deployment and a v1 service, the Log Analytics AmlOnlineEndpoint*
// queries through the component's workspace, hostile names kept inside their literals, and the
// failures the panel explains (syntax error with its position, partial results).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AzureClient } from '../../src/azure/api';
import { isAzureRequestError } from '../../src/azure/errors';
import type { QueryTarget, Workspace } from '../../src/azure/models';
import { errorPosition, readyQueries, type QueryScope, type ReadyQueryId } from '../../src/core/kql';
import { isTimechart, shapeQueryResult, textAt, type GridColumn } from '../../src/core/queryResult';
import { startTestAzure } from './support';
import {
  candidatesOf,
  DISCOVERY_DAYS,
  matchScope,
  scopeDiscoveryQuery,
  type ScopeTarget,
  type TelemetryScope,
} from '../../src/core/telemetryScope';

type TestAzure = Awaited<ReturnType<typeof startTestAzure>>;

const expectedColumns: Record<ReadyQueryId, string[]> = {
  inputOutputTraces: ['timestamp', 'message', 'customDimensions'],
  failedRequests: ['timestamp', 'name', 'resultCode', 'duration', 'operation_Id', 'customDimensions'],
  latencyPercentiles: [
    'timestamp',
    'percentile_duration_50',
    'percentile_duration_95',
    'percentile_duration_99',
  ],
  requestRate: ['timestamp', 'requests'],
  dependencyFailures: ['timestamp', 'target', 'name', 'resultCode', 'duration', 'operation_Id'],
  exceptions: ['timestamp', 'type', 'outerMessage', 'problemId', 'operation_Id'],
  consoleLog: ['TimeGenerated', 'DeploymentName', 'InstanceId', 'ContainerName', 'Message'],
  trafficLog: [
    'TimeGenerated',
    'DeploymentName',
    'Method',
    'Path',
    'ResponseCode',
    'ModelStatusCode',
    'TotalDurationMs',
    'XRequestId',
  ],
};

interface Found {
  workspace: Workspace;
  componentId: string;
  logAnalyticsId?: string;
  deployment?: { endpointName: string; deploymentName: string; endpointId: string };
  serviceName?: string;
}

/** Workspaces with an App Insights component, with a deployment and a v1 service that send to it. */
async function findScopes(client: AzureClient): Promise<Found[]> {
  const found: Found[] = [];
  for (const sub of await client.listSubscriptions()) {
    for (const workspace of await client.listWorkspaces(sub.subscriptionId)) {
      if (!workspace.applicationInsightsId) continue;
      const f: Found = { workspace, componentId: workspace.applicationInsightsId };
      const component = await client.getAppInsightsComponent(workspace.applicationInsightsId);
      if (component.workspaceResourceId) f.logAnalyticsId = component.workspaceResourceId;
      for (const endpoint of await client.listEndpoints(workspace)) {
        const deployment = (await client.listDeployments(endpoint)).find(
          (d) => d.appInsightsEnabled && d.computeType === 'Managed',
        );
        if (deployment) {
          f.deployment = {
            endpointName: endpoint.endpointName,
            deploymentName: deployment.deploymentName,
            endpointId: endpoint.armId,
          };
          break;
        }
      }
      const service = (await client.listLegacyServices(workspace).catch(() => [])).find(
        (s) => s.appInsightsEnabled,
      );
      if (service) f.serviceName = service.serviceName;
      found.push(f);
    }
  }
  return found;
}

function col(columns: GridColumn[], name: string): GridColumn {
  const c = columns.find((x) => x.name === name);
  assert.ok(c, `column ${name} in ${columns.map((x) => x.name).join(', ')}`);
  return c;
}

function cellTexts(c: GridColumn, rows: number): string[] {
  assert.ok(c.kind === 'string' || c.kind === 'dynamic', `${c.name} is text`);
  return Array.from({ length: rows }, (_, r) => textAt(c, r) ?? '');
}

void describe('ready queries against the emulator', () => {
  let azure: TestAzure;
  let scopes: Found[];
  let withDeployment: Found;

  before(async () => {
    azure = await startTestAzure();
    scopes = await findScopes(azure.client);
    const f = scopes.find((s) => s.deployment && s.logAnalyticsId);
    assert.ok(
      f,
      'the default scenario has a workspace-based component with a managed deployment sending to it',
    );
    withDeployment = f;
  });
  after(async () => {
    await azure?.stop();
  });

  function targetFor(f: Found, source: 'appInsights' | 'logAnalytics'): QueryTarget {
    if (source === 'logAnalytics') {
      assert.ok(f.logAnalyticsId);
      return { kind: 'logAnalytics', resourceId: f.logAnalyticsId };
    }
    return { kind: 'appInsights', resourceId: f.componentId };
  }

  /** The App Insights scope as the panel finds it: the names the rows carry, matched to the target. */
  async function discover(f: Found, target: ScopeTarget): Promise<TelemetryScope> {
    const answer = await azure.client.query(targetFor(f, 'appInsights'), scopeDiscoveryQuery(), {
      duration: `P${DISCOVERY_DAYS}D`,
    });
    const table = answer.tables[0];
    assert.ok(table);
    const match = matchScope(
      candidatesOf(
        table.columns.map((c) => c.name),
        table.rows,
      ),
      target,
    );
    assert.notEqual(match.kind, 'none', `a name the rows of ${JSON.stringify(target)} carry`);
    assert.ok(match.kind !== 'none');
    return match.scope;
  }

  void it('runs every ready query of a deployment and checks its rows and columns', async () => {
    const d = withDeployment.deployment!;
    const scope: QueryScope = { kind: 'deployment', ...d };
    const telemetry = await discover(withDeployment, { kind: 'deployment', ...d });
    const seen = new Set<ReadyQueryId>();
    for (const q of readyQueries(scope, telemetry)) {
      const result = await azure.client.query(targetFor(withDeployment, q.source), q.kql, {
        duration: 'P7D',
      });
      assert.equal(result.status, 'Success', q.id);
      const shaped = shapeQueryResult(result);
      const names = shaped.table.columns.map((c) => c.name);
      for (const name of expectedColumns[q.id])
        assert.ok(names.includes(name), `${q.id}: column ${name} in ${names.join(', ')}`);
      assert.ok(shaped.table.rowCount > 0, `${q.id} returns rows for ${d.endpointName}/${d.deploymentName}`);
      const rows = shaped.table.rowCount;
      switch (q.id) {
        case 'inputOutputTraces': {
          assert.ok(rows <= 10);
          // print() text in message (current server) or input under customDimensions (older server,
          // model-data traces).
          const messages = cellTexts(col(shaped.table.columns, 'message'), rows);
          const dims = cellTexts(col(shaped.table.columns, 'customDimensions'), rows);
          assert.ok(messages.every((m, r) => /input/i.test(m) || /input/i.test(dims[r] ?? '')));
          assert.ok(
            cellTexts(col(shaped.table.columns, 'cloud_RoleName'), rows).every((n) => n === telemetry.value),
            'scoped to the discovered name',
          );
          break;
        }
        case 'failedRequests': {
          const dims = cellTexts(col(shaped.table.columns, 'customDimensions'), rows);
          assert.ok(
            dims.every((t) => t.includes(`"Service Name":${JSON.stringify(telemetry.value)}`)),
            'scoped to the discovered name',
          );
          const codes = col(shaped.table.columns, 'resultCode');
          const codeTexts =
            codes.kind === 'number' ? Array.from(codes.values, String) : cellTexts(codes, rows);
          assert.ok(
            codeTexts.every((c) => c !== '200'),
            'only failures',
          );
          break;
        }
        case 'latencyPercentiles':
        case 'requestRate': {
          assert.equal(col(shaped.table.columns, 'timestamp').kind, 'datetime');
          const times = col(shaped.table.columns, 'timestamp');
          assert.ok(times.kind === 'datetime');
          for (let r = 1; r < rows; r++)
            assert.ok(times.values[r]! >= times.values[r - 1]!, 'ascending time');
          assert.equal(isTimechart(shaped.visualization), true, `${q.id} renders a timechart`);
          break;
        }
        case 'consoleLog':
        case 'trafficLog':
          assert.ok(
            cellTexts(col(shaped.table.columns, 'DeploymentName'), rows).every((n) => n === d.deploymentName),
          );
          break;
        default:
          break;
      }
      seen.add(q.id);
    }
    assert.equal(seen.size, Object.keys(expectedColumns).length, 'every ready query ran');
  });

  void it('keeps blue of one endpoint apart from blue of another in Log Analytics', async () => {
    const d = withDeployment.deployment!;
    const la = targetFor(withDeployment, 'logAnalytics');
    const count = async (kql: string) => {
      const r = await azure.client.query(la, `${kql}\n| count`, { duration: 'P7D' });
      return Number(r.tables[0]?.rows[0]?.[0] ?? -1);
    };
    const shared = await azure.client.query(
      la,
      `AmlOnlineEndpointTrafficLog | where DeploymentName == ${JSON.stringify(d.deploymentName)} | distinct _ResourceId`,
      { duration: 'P7D' },
    );
    assert.ok((shared.tables[0]?.rows.length ?? 0) >= 2, 'the deployment name repeats across endpoints here');
    const traffic = readyQueries({ kind: 'deployment', ...d }).find((q) => q.id === 'trafficLog');
    assert.ok(traffic);
    const scoped = await count(traffic.kql);
    const own = await count(
      `AmlOnlineEndpointTrafficLog | where EndpointName == ${JSON.stringify(d.endpointName)} and DeploymentName == ${JSON.stringify(d.deploymentName)}`,
    );
    const all = await count(
      `AmlOnlineEndpointTrafficLog | where DeploymentName == ${JSON.stringify(d.deploymentName)}`,
    );
    assert.ok(own > 0 && own < all);
    assert.equal(scoped, own, 'only the rows of this endpoint');
  });

  void it('unfolds the document input/output traces into columns', async () => {
    const result = await azure.client.query(
      targetFor(withDeployment, 'appInsights'),
      'traces\n| where customDimensions contains "input"\n| limit 200',
      { duration: 'P7D' },
    );
    const shaped = shapeQueryResult(result);
    assert.equal(shaped.unfolded, true);
    const input = col(shaped.table.columns, 'input');
    assert.ok(cellTexts(input, shaped.table.rowCount).some((t) => t.length > 0));
  });

  void it('flags trace payloads at the 64 KB logging limit as likely truncated', async () => {
    const result = await azure.client.query(
      targetFor(withDeployment, 'appInsights'),
      'traces\n| where strlen(message) > 60000 or strlen(tostring(customDimensions)) > 60000\n| take 5',
      { duration: 'P7D' },
    );
    const shaped = shapeQueryResult(result);
    assert.ok(shaped.table.rowCount > 0, 'the scenario logs near-64 KB payloads');
    assert.equal(shaped.truncatedCount, shaped.table.rowCount);
    const flag = col(shaped.table.columns, 'likelyTruncated');
    assert.ok(flag.kind === 'bool' && flag.values.every((v) => v === 1));
  });

  void it('runs the App Insights queries of a v1 service', async () => {
    const f = scopes.find((s) => s.serviceName);
    assert.ok(f, 'the default scenario has a v1 service with App Insights');
    const telemetry = await discover(f, { kind: 'legacyService', serviceName: f.serviceName! });
    const queries = readyQueries({ kind: 'legacyService', serviceName: f.serviceName! }, telemetry);
    assert.ok(queries.every((q) => q.source === 'appInsights'));
    let withRows = 0;
    for (const q of queries) {
      const result = await azure.client.query(targetFor(f, 'appInsights'), q.kql, { duration: 'P7D' });
      const shaped = shapeQueryResult(result);
      for (const name of expectedColumns[q.id])
        assert.ok(
          shaped.table.columns.some((c) => c.name === name),
          `${q.id}: ${name}`,
        );
      if (shaped.table.rowCount > 0) withRows++;
      if (q.id === 'failedRequests' && shaped.table.rowCount > 0) {
        const dims = cellTexts(col(shaped.table.columns, 'customDimensions'), shaped.table.rowCount);
        assert.ok(dims.every((t) => t.includes(`"Service Name":${JSON.stringify(f.serviceName)}`)));
      }
    }
    assert.ok(withRows >= 3, 'most v1 queries find rows');
  });

  void it('keeps hostile names inside their literals: the engine parses them and finds nothing', async () => {
    const hostile: QueryScope = {
      kind: 'deployment',
      endpointName: 'ep" or 1==1 //',
      deploymentName: 'a\\"\n| take 5',
    };
    for (const q of readyQueries(hostile, { value: 'r" or 1==1 //' })) {
      const result = await azure.client.query(targetFor(withDeployment, q.source), q.kql, {
        duration: 'P7D',
      });
      assert.equal(result.status, 'Success', q.id);
      assert.equal(result.tables[0]?.rows.length ?? 0, 0, `${q.id} matched nothing`);
    }
  });

  void it('reports a syntax error with its position', async () => {
    await assert.rejects(
      azure.client.query(targetFor(withDeployment, 'appInsights'), 'traces\n| where message ==', {
        duration: 'PT1H',
      }),
      (e: unknown) => {
        assert.ok(isAzureRequestError(e));
        assert.equal(e.kind, 'badRequest');
        assert.ok(e.azureMessage, 'the service message is kept');
        assert.ok(errorPosition(e.azureMessage), `a position in: ${e.azureMessage}`);
        return true;
      },
    );
  });

  void it('keeps the rows of a partial failure with its error', async () => {
    azure.emu.faults.add({ path: '/query', kind: 'partialQuery', times: 1 });
    const result = await azure.client.query(targetFor(withDeployment, 'appInsights'), 'requests | take 50', {
      duration: 'P7D',
    });
    const shaped = shapeQueryResult(result);
    assert.equal(shaped.status, 'PartialFailure');
    assert.ok(shaped.partialError?.message);
    assert.ok(shaped.table.rowCount > 0, 'partial rows are kept');
  });
});
