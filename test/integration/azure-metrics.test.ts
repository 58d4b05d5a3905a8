// Azure Monitor through the real ARM pipeline against the emulator: metrics of endpoints and
// deployments (splits, no data, errors), diagnostic settings and the activity log.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isAzureRequestError } from '../../src/azure/errors';
import {
  DEPLOYMENT_PANELS,
  ENDPOINT_PANELS,
  glanceOf,
  shapePanel,
  splitFilter,
  windowOf,
} from '../../src/core/metrics';
import { loadMetrics } from '../../src/metrics/load';
import { startTestAzure, type TestAzure } from './support';

const sub = '5f3c2a1e-8b7d-4c6e-9a0f-1d2e3f4a5b6c';
const ws = `/subscriptions/${sub}/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/mlw-credit-prod`;
const creditRisk = `${ws}/onlineEndpoints/credit-risk`;
const fraud = `${ws}/onlineEndpoints/fraud-detect`;

void describe('Azure Monitor metrics (default scenario)', () => {
  let t: TestAzure;
  before(async () => {
    t = await startTestAzure();
  });
  after(() => t.stop());

  const win = () => windowOf('PT1H', Date.now());

  void it('every endpoint panel is accepted and blue and green come back side by side', async () => {
    const w = win();
    for (const panel of ENDPOINT_PANELS) {
      const answer = await t.client.queryMetrics(creditRisk, {
        metricNames: panel.metrics,
        aggregation: 'Average',
        timespan: w.timespan,
        interval: w.interval,
        ...(splitFilter(panel.splitBy) ? { filter: splitFilter(panel.splitBy) } : {}),
      });
      assert.deepEqual(
        answer.metrics.map((m) => m.name),
        panel.metrics,
      );
      const charts = shapePanel(panel, answer, w, ['blue', 'green']);
      if (panel.perDeployment) {
        assert.deepEqual(
          charts.map((c) => c.deployment),
          ['blue', 'green'],
        );
      }
      assert.ok(
        charts.every((c) => !c.noData),
        `${panel.id} has data`,
      );
    }
    const request = t.emu.requests.find((r) => r.path.endsWith('/providers/Microsoft.Insights/metrics'));
    assert.ok(request);
    assert.equal(request.query['api-version'], '2024-02-01');
    assert.equal(request.path, `${creditRisk}/providers/Microsoft.Insights/metrics`);
  });

  void it('a CPU deployment has no GPU metrics: no data, never zero', async () => {
    const w = win();
    const gpu = DEPLOYMENT_PANELS.find((p) => p.id === 'gpu')!;
    const answer = await t.client.queryMetrics(`${creditRisk}/deployments/blue`, {
      metricNames: gpu.metrics,
      aggregation: 'Average',
      timespan: w.timespan,
      interval: w.interval,
      filter: splitFilter(gpu.splitBy),
    });
    const [chart] = shapePanel(gpu, answer, w);
    assert.equal(chart!.noData, true);
  });

  void it('at a glance: the slow deployment is slow, the healthy one is not, no 5xx on either', async () => {
    const w = win();
    const glance = async (id: string) => {
      const common = { aggregation: 'Average', timespan: w.timespan, interval: w.interval };
      // Deployment latency has no dimension: a filter on envoy_response_code would be refused
      // for it, so the two metrics take two requests.
      const [latency, requests] = await Promise.all([
        t.client.queryMetrics(id, { ...common, metricNames: ['RequestLatency_P95'] }),
        t.client.queryMetrics(id, {
          ...common,
          metricNames: ['RequestsPerMinute'],
          filter: "envoy_response_code eq '*'",
        }),
      ]);
      return glanceOf({ metrics: [...latency.metrics, ...requests.metrics] });
    };
    const blue = await glance(`${creditRisk}/deployments/blue`);
    const green = await glance(`${creditRisk}/deployments/green`);
    assert.ok(blue.p95Ms !== undefined && blue.p95Ms < 200, `blue p95 ${blue.p95Ms}`);
    assert.ok(green.p95Ms !== undefined && green.p95Ms > 2000, `green p95 ${green.p95Ms}`);
    assert.ok((blue.requestsPerMinute ?? 0) > 0);
    assert.equal(blue.serverErrorShare, 0);
    await assert.rejects(
      t.client.queryMetrics(`${creditRisk}/deployments/blue`, {
        metricNames: ['RequestLatency_P95', 'RequestsPerMinute'],
        aggregation: 'Average',
        timespan: w.timespan,
        interval: w.interval,
        filter: "envoy_response_code eq '*'",
      }),
      (e) => isAzureRequestError(e) && e.statusCode === 400 && /RequestLatency_P95/.test(e.message),
    );
    // A deployment that never came up has no traffic: every figure is unknown.
    assert.deepEqual(await glance(`${fraud}/deployments/shadow`), {});
  });

  void it("an unknown metric name gets the service's 400 with the valid names", async () => {
    const w = win();
    await assert.rejects(
      t.client.queryMetrics(creditRisk, {
        metricNames: ['CpuUtilizationPercentage'],
        aggregation: 'Average',
        timespan: w.timespan,
        interval: w.interval,
      }),
      (e) =>
        isAzureRequestError(e) &&
        e.statusCode === 400 &&
        /Failed to find metric configuration/.test(e.message) &&
        /RequestsPerMinute/.test(e.message),
    );
  });

  void it('diagnostic settings: an allLogs setting is read back, a duplicate sink is refused', async () => {
    const existing = await t.client.listDiagnosticSettings(fraud);
    assert.equal(existing.length, 1);
    assert.deepEqual(existing[0]!.categoryGroups, ['allLogs']);
    const la = existing[0]!.workspaceId!;
    await assert.rejects(
      t.client.createDiagnosticSetting(fraud, 'second', {
        workspaceId: la,
        categories: ['AmlOnlineEndpointConsoleLog'],
      }),
      (e) => isAzureRequestError(e) && e.statusCode === 400 && /already used/.test(e.message),
    );
    assert.deepEqual(await t.client.listDiagnosticSettings(creditRisk), []);
    const created = await t.client.createDiagnosticSetting(creditRisk, 'aml-monitor', {
      workspaceId: la,
      categories: ['AmlOnlineEndpointConsoleLog', 'AmlOnlineEndpointTrafficLog', 'AmlOnlineEndpointEventLog'],
    });
    assert.equal(created.name, 'aml-monitor');
    assert.equal((await t.client.listDiagnosticSettings(creditRisk)).length, 1);
  });

  void it("the activity log gives the failed deployment's error", async () => {
    const failures = await t.client.listFailedOperations(
      `${fraud}/deployments/shadow`,
      Date.now() - 86_400_000,
    );
    assert.equal(failures.length, 1);
    assert.equal(failures[0]!.code, 'ResourceNotReady');
    assert.deepEqual(
      await t.client.listFailedOperations(`${creditRisk}/deployments/blue`, Date.now() - 86_400_000),
      [],
    );
  });

  void it('the Metrics view loads every panel in parallel; one failing panel shows its error, the rest draw', async () => {
    const endpoint = await loadMetrics(
      t.client,
      { scope: 'endpoint', resourceId: creditRisk, deployments: ['blue', 'green'] },
      'PT30M',
      Date.now(),
    );
    assert.deepEqual(
      endpoint.map((c) => [c.panelId, c.deployment ?? '']),
      [
        ['requests', 'blue'],
        ['requests', 'green'],
        ['latency', 'blue'],
        ['latency', 'green'],
        ['connections', ''],
        ['network', ''],
      ],
    );
    // green is slow: its latency chart sits beside blue's and shows it.
    const p95 = (d: string) =>
      endpoint
        .find((c) => c.panelId === 'latency' && c.deployment === d)!
        .series.find((s) => s.label === 'P95')!
        .values.filter((v): v is number => v !== null);
    assert.ok(Math.min(...p95('green')) > Math.max(...p95('blue')));

    t.emu.faults.add({ path: '/providers/Microsoft.Insights/metrics', kind: '403', times: 1 });
    const deployment = await loadMetrics(
      t.client,
      { scope: 'deployment', resourceId: `${creditRisk}/deployments/blue`, deployments: [] },
      'P7D',
      Date.now(),
    );
    assert.equal(deployment.length, 6);
    assert.equal(deployment.filter((c) => c.error).length, 1);
    assert.deepEqual(
      deployment.filter((c) => !c.error && c.noData).map((c) => c.panelId),
      ['gpu'],
    );
    // Seven days at the PT15M grain.
    assert.ok(deployment.filter((c) => !c.error).every((c) => c.xs.length === 672));
  });
});
