import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEPLOYMENT_PANELS,
  ENDPOINT_PANELS,
  glanceOf,
  shapePanel,
  splitFilter,
  statusMixOf,
  validatePanel,
  windowOf,
  type MetricsAnswer,
  type PanelSpec,
} from '../../src/core/metrics';
import { toMetricsAnswer } from '../../src/azure/monitor';

const minute = 60_000;

void test('every panel asks only for metrics and dimensions the supported-metrics reference lists', () => {
  for (const p of ENDPOINT_PANELS) assert.deepEqual(validatePanel('endpoint', p), [], p.id);
  for (const p of DEPLOYMENT_PANELS) assert.deepEqual(validatePanel('deployment', p), [], p.id);
  // The reference gives deployment-level latency no dimension: splitting it must be refused.
  const bad: PanelSpec = { ...DEPLOYMENT_PANELS[1]!, splitBy: ['deployment'] };
  assert.equal(validatePanel('deployment', bad).length, 4);
  assert.deepEqual(validatePanel('endpoint', { ...bad, metrics: ['Nope'] }), [
    'endpoint: unknown metric Nope',
  ]);
});

void test('split filter names every dimension with all values', () => {
  assert.equal(
    splitFilter(['deployment', 'statusCodeClass']),
    "deployment eq '*' and statusCodeClass eq '*'",
  );
  assert.equal(splitFilter([]), undefined);
});

void test('windows align to their grain and cover the whole range', () => {
  const now = Date.parse('2026-11-29T10:07:31Z');
  const w = windowOf('PT30M', now);
  assert.equal(w.interval, 'PT1M');
  assert.equal(w.endMs, Date.parse('2026-11-29T10:07:00Z'));
  assert.equal(w.endMs - w.startMs, 30 * minute);
  assert.equal(w.timespan, '2026-11-29T09:37:00.000Z/2026-11-29T10:07:00.000Z');
  const week = windowOf('P7D', now);
  assert.equal(week.interval, 'PT15M');
  assert.equal(week.endMs % (15 * minute), 0);
  assert.equal((week.endMs - week.startMs) / week.grainMs, 672);
});

void test('a data point without the aggregation is no data (null), a zero stays zero', () => {
  const answer = toMetricsAnswer(
    {
      value: [
        {
          name: { value: 'RequestLatency_P95' },
          unit: 'Milliseconds',
          timeseries: [
            {
              metadatavalues: [],
              data: [
                { timeStamp: '2026-11-29T10:00:00Z', average: 0 },
                { timeStamp: '2026-11-29T10:01:00Z' },
                { timeStamp: '2026-11-29T10:02:00Z', average: 51.5 },
              ],
            },
          ],
        },
      ],
    },
    'Average',
  );
  assert.deepEqual(
    answer.metrics[0]!.series[0]!.points.map((p) => p.value),
    [0, null, 51.5],
  );
});

const window = {
  startMs: Date.parse('2026-11-29T10:00:00Z'),
  endMs: Date.parse('2026-11-29T10:05:00Z'),
  grainMs: minute,
};

function series(metric: string, dims: Record<string, string>, values: (number | null)[]) {
  return {
    metric,
    unit: 'Count',
    dimensions: dims,
    points: values.map((value, i) => ({ time: window.startMs + i * minute, value })),
  };
}

void test('shaping puts every series on the full time axis, gaps as null, never zero', () => {
  const panel = DEPLOYMENT_PANELS.find((p) => p.id === 'requests')!;
  const answer: MetricsAnswer = {
    metrics: [
      {
        name: 'RequestsPerMinute',
        unit: 'Count',
        series: [
          // Only two buckets answered, one of them without a value.
          { ...series('RequestsPerMinute', { envoy_response_code: '200' }, [10, null]) },
          series('RequestsPerMinute', { envoy_response_code: '429' }, [0, 3, 4, 5, 6]),
        ],
      },
    ],
  };
  const [shaped] = shapePanel(panel, answer, window);
  assert.ok(shaped);
  assert.equal(shaped.noData, false);
  assert.equal(shaped.data.xs.length, 5);
  assert.deepEqual(
    shaped.data.series.map((s) => s.label),
    ['200', '429'],
  );
  assert.deepEqual(shaped.data.series[0]!.values, [10, null, null, null, null]);
  assert.deepEqual(shaped.data.series[1]!.values, [0, 3, 4, 5, 6]);
});

void test('a metric the resource does not emit is "no data", not a flat zero line', () => {
  const panel = DEPLOYMENT_PANELS.find((p) => p.id === 'gpu')!;
  const empty: MetricsAnswer = {
    metrics: [
      { name: 'GpuUtilizationPercentage', unit: 'Percent', series: [] },
      {
        name: 'GpuMemoryUtilizationPercentage',
        unit: 'Percent',
        series: [series('GpuMemoryUtilizationPercentage', {}, [null, null, null, null, null])],
      },
    ],
  };
  const [shaped] = shapePanel(panel, empty, window);
  assert.equal(shaped!.noData, true);
  assert.ok(shaped!.data.series.every((s) => s.values.every((v) => v === null)));
});

void test('endpoint panels split by deployment become one chart per deployment, blue and green side by side', () => {
  const panel = ENDPOINT_PANELS.find((p) => p.id === 'latency')!;
  const answer: MetricsAnswer = {
    metrics: ['RequestLatency_P50', 'RequestLatency_P95'].map((name) => ({
      name,
      unit: 'Milliseconds',
      series: [
        series(name, { deployment: 'green' }, [100, 110, 120, 130, 140]),
        series(name, { deployment: 'blue' }, [10, 11, 12, 13, 14]),
      ],
    })),
  };
  const charts = shapePanel(panel, answer, window, ['blue', 'green', 'red']);
  assert.deepEqual(
    charts.map((c) => [c.deployment, c.noData]),
    [
      ['blue', false],
      ['green', false],
      ['red', true],
    ],
  );
  assert.deepEqual(
    charts[0]!.data.series.map((s) => s.label),
    ['P50', 'P95'],
  );
  assert.deepEqual(charts[1]!.data.series[1]!.values, [100, 110, 120, 130, 140]);
});

void test('at a glance: mean p95, requests per minute and 5xx share over buckets with data', () => {
  const answer: MetricsAnswer = {
    metrics: [
      {
        name: 'RequestLatency_P95',
        unit: 'Milliseconds',
        series: [series('RequestLatency_P95', {}, [40, null, 60])],
      },
      {
        name: 'RequestsPerMinute',
        unit: 'Count',
        series: [
          series('RequestsPerMinute', { envoy_response_code: '200' }, [90, null, 70]),
          series('RequestsPerMinute', { envoy_response_code: '503' }, [10, null, 30]),
          series('RequestsPerMinute', { envoy_response_code: '429' }, [0, null, 0]),
        ],
      },
    ],
  };
  assert.deepEqual(glanceOf(answer), { p95Ms: 50, requestsPerMinute: 100, serverErrorShare: 0.2 });
  // Nothing at all: every figure is unknown, none is 0.
  assert.deepEqual(glanceOf({ metrics: [] }), {});
  assert.deepEqual(
    glanceOf({
      metrics: [
        {
          name: 'RequestsPerMinute',
          unit: 'Count',
          series: [series('RequestsPerMinute', { envoy_response_code: '200' }, [null])],
        },
      ],
    }),
    {},
  );
});

void test('status mix sums requests per code across buckets', () => {
  const answer: MetricsAnswer = {
    metrics: [
      {
        name: 'RequestsPerMinute',
        unit: 'Count',
        series: [
          series('RequestsPerMinute', { statusCode: '200' }, [1, 2, null]),
          series('RequestsPerMinute', { statusCode: '429' }, [0, 0, 0]),
        ],
      },
    ],
  };
  assert.deepEqual([...statusMixOf(answer, 'statusCode')], [['200', 3]]);
});
