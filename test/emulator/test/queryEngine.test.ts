// The emulator's Logs query engine end to end: each operator over generated telemetry, the answer
// shapes of the Logs query API, timespan, errors, and the ready queries of the query panel.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { readyQueries } from '../../../src/core/kql';
import { type QueryEngine, type QueryRequest, type QueryResponseBody, createQueryEngine } from '../query';
import {
  devComponentId,
  kqlTestScenario,
  prodComponentId,
  prodLogAnalyticsId,
  testCustomerId,
} from '../query/fixtures';

const now = new Date('2026-11-23T10:00:00Z');
const prod = { kind: 'appInsights', componentId: prodComponentId } as const;
const dev = { kind: 'appInsights', componentId: devComponentId } as const;
const la = { kind: 'logAnalytics', customerId: testCustomerId } as const;

let engine: QueryEngine;
before(() => {
  engine = createQueryEngine(kqlTestScenario, { seed: 42, now: () => now, bigRows: 20_000 });
});

function ok(query: string, extra: Partial<QueryRequest> = {}): QueryResponseBody {
  const answer = engine.run({ scope: dev, query, ...extra });
  if (answer.status !== 200) assert.fail(`${query}: ${JSON.stringify(answer.body)}`);
  assert.equal(answer.body.tables.length, 1);
  assert.equal(answer.body.tables[0]?.name, 'PrimaryResult');
  return answer.body;
}

/** Rows as objects keyed by column name. */
function rows(query: string, extra: Partial<QueryRequest> = {}): Record<string, unknown>[] {
  const table = ok(query, extra).tables[0];
  assert.ok(table);
  return table.rows.map((r) => Object.fromEntries(table.columns.map((c, i) => [c.name, r[i]])));
}

function columns(query: string, extra: Partial<QueryRequest> = {}): string[] {
  return (ok(query, extra).tables[0]?.columns ?? []).map((c) => `${c.name}:${c.type}`);
}

function error(query: string, extra: Partial<QueryRequest> = {}) {
  const answer = engine.run({ scope: dev, query, ...extra });
  assert.equal(answer.status, 400, `${query} should fail`);
  assert.ok(answer.status === 400);
  return answer.body.error;
}

const innermostMessage = (e: ReturnType<typeof error>) => e.innererror?.innererror?.message ?? '';

void describe('query engine: the document query and answer shape', () => {
  void it('answers `traces | where customDimensions contains "input" | limit 10` with the printed input/output JSON', () => {
    const body = ok('traces | where customDimensions contains "input" | limit 10', { timespan: 'P1D' });
    const table = body.tables[0];
    assert.ok(table);
    assert.equal(table.rows.length, 10);
    const types = Object.fromEntries(table.columns.map((c) => [c.name, c.type]));
    assert.equal(types.timestamp, 'datetime');
    assert.equal(types.customDimensions, 'dynamic');
    assert.equal(types.severityLevel, 'int');
    const cd = table.columns.findIndex((c) => c.name === 'customDimensions');
    const ts = table.columns.findIndex((c) => c.name === 'timestamp');
    for (const row of table.rows) {
      // Datetime cells are ISO text with 7 fractional digits, dynamic cells JSON text (the SDK parses both).
      assert.match(String(row[ts]), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
      const dims = JSON.parse(String(row[cd])) as Record<string, unknown>;
      assert.match(JSON.stringify(dims), /input/i);
      // Model-data traces of the current server: SERVICE_NAME, never an endpoint or deployment key.
      assert.equal(dims['Service Name'], 'main');
      assert.equal(dims['Endpoint Name'], undefined);
      assert.equal(dims['Deployment Name'], undefined);
    }
  });

  void it('adds statistics and render only when asked', () => {
    const plain = ok('requests | summarize count() by bin(timestamp, 1h) | render timechart', {
      timespan: 'P1D',
    });
    assert.equal(plain.statistics, undefined);
    assert.equal(plain.render, undefined);
    const full = ok(
      'requests | summarize count() by bin(timestamp, 1h) | render timechart with (title="Rate")',
      {
        timespan: 'P1D',
        includeStatistics: true,
        includeRender: true,
      },
    );
    assert.equal(full.render?.visualization, 'timechart');
    assert.equal(full.render?.title, 'Rate');
    const query = full.statistics?.query as {
      executionTime: number;
      datasetStatistics: { tableRowCount: number; tableSize: number }[];
    };
    assert.equal(typeof query.executionTime, 'number');
    assert.equal(query.datasetStatistics[0]?.tableRowCount, full.tables[0]?.rows.length);
    assert.ok((query.datasetStatistics[0]?.tableSize ?? 0) > 0);
  });

  void it('answers a partial error with part of the rows when the fault is injected', () => {
    const all = ok('requests | take 40', { timespan: 'P1D' });
    const partial = ok('requests | take 40', { timespan: 'P1D', partialError: true });
    assert.equal(all.error, undefined);
    assert.equal(partial.error?.code, 'PartialError');
    assert.ok((partial.error?.details?.length ?? 0) > 0);
    assert.equal(partial.tables[0]?.rows.length, 20);
  });

  void it('writes its answer in pieces, rows made as they go, that join to exactly the whole body', () => {
    const cases: [string, Partial<QueryRequest>][] = [
      ['requests | take 2500', { timespan: 'P8D', includeStatistics: true, includeRender: true }],
      ['requests | take 40', { timespan: 'P1D', partialError: true, includeStatistics: true }],
      ['requests | summarize count() by bin(timestamp, 1h) | render timechart', { includeRender: true }],
      ['requests | where name == "nothing matches"', {}],
      ['traces | take 30', { timespan: 'P8D' }],
    ];
    const counts: number[] = [];
    for (const [query, extra] of cases) {
      const answer = engine.run({ scope: dev, query, ...extra });
      if (answer.status !== 200) assert.fail(`${query}: ${JSON.stringify(answer.body)}`);
      const pieces = [...answer.pieces()];
      assert.equal(pieces.join(''), JSON.stringify(answer.body), query);
      const rowCount = answer.body.tables[0]?.rows.length ?? 0;
      // The frame, a piece per thousand rows, what follows the rows.
      assert.equal(pieces.length, 2 + Math.ceil(rowCount / 1000), query);
      counts.push(rowCount);
    }
    assert.ok(counts[0]! > 2000, 'rows in several pieces');
  });

  void it('answers 404 for a component or workspace the scenario does not have', () => {
    const answer = engine.run({
      scope: {
        kind: 'appInsights',
        componentId: '/subscriptions/x/resourceGroups/y/providers/Microsoft.Insights/components/nope',
      },
      query: 'traces',
    });
    assert.equal(answer.status, 404);
    assert.equal(
      engine.run({ scope: { kind: 'logAnalytics', customerId: 'nope' }, query: 'traces' }).status,
      404,
    );
  });

  void it('routes a resource-centric path to the component or the Log Analytics workspace', () => {
    const onWorkspace = engine.run({
      scope: { kind: 'resource', resourceId: prodLogAnalyticsId },
      query: 'AmlOnlineEndpointEventLog | take 1',
    });
    assert.equal(onWorkspace.status, 200);
    const byArmId = engine.run({
      scope: { kind: 'logAnalytics', customerId: prodLogAnalyticsId },
      query: 'AppTraces | take 1',
    });
    assert.equal(byArmId.status, 200);
    const onComponent = engine.run({
      scope: { kind: 'resource', resourceId: prodComponentId },
      query: 'traces | take 1',
    });
    assert.equal(onComponent.status, 200);
  });

  void it('finds a component by ARM id in any letter case and with doubled slashes', () => {
    const answer = engine.run({
      scope: { kind: 'appInsights', componentId: `/${prodComponentId.toUpperCase()}` },
      query: 'requests | take 1',
    });
    assert.equal(answer.status, 200);
  });
});

void describe('query engine: where', () => {
  void it('filters with comparison and string operators', () => {
    const opts = { timespan: 'PT6H' };
    const total = rows('requests', opts).length;
    assert.ok(total > 100, `enough rows in 6 h: ${total}`);
    const failed = rows('requests | where success == false', opts);
    assert.ok(failed.length > 0 && failed.every((r) => r.success === false));
    assert.equal(rows('requests | where success != false', opts).length + failed.length, total);
    assert.ok(rows('requests | where resultCode == "200"', opts).every((r) => r.resultCode === '200'));
    assert.ok(
      rows('requests | where duration > 50 and duration <= 100', opts).every(
        (r) => (r.duration as number) > 50 && (r.duration as number) <= 100,
      ),
    );
    assert.ok(rows('requests | where name =~ "post /SCORE"', opts).length === total);
    assert.equal(rows('requests | where name !~ "post /SCORE"', opts).length, 0);
    assert.equal(rows('requests | where url contains "DEV-EP"', opts).length, total);
    assert.equal(rows('requests | where url !contains "DEV-EP"', opts).length, 0);
    assert.equal(rows('requests | where url has "inference"', opts).length, total);
    assert.equal(rows('requests | where url has "infer"', opts).length, 0, 'has matches whole terms only');
    assert.equal(rows('requests | where url has strcat("infer", "ence")', opts).length, total);
    assert.equal(rows('requests | where url contains strcat("DEV", "-EP")', opts).length, total);
    assert.equal(rows('requests | where url has "Inference.ML"', opts).length, total);
    assert.equal(rows('requests | where url !has "infer"', opts).length, total);
    assert.equal(rows('requests | where url startswith "https://dev-ep."', opts).length, total);
    assert.equal(rows('requests | where url endswith "/score"', opts).length, total);
    const codes = rows('requests | where resultCode in ("500", "503")', opts);
    assert.ok(codes.length > 0 && codes.every((r) => r.resultCode === '500' || r.resultCode === '503'));
    assert.equal(rows('requests | where resultCode !in ("200")', opts).length, failed.length);
    assert.equal(
      rows('requests | where not(success) or (success and duration < 0)', opts).length,
      failed.length,
    );
  });

  void it('compares datetimes with ago(), now() and datetime literals', () => {
    const recent = rows('requests | where timestamp > ago(30m)');
    assert.ok(recent.length > 0);
    for (const r of recent) assert.ok(Date.parse(String(r.timestamp)) > now.getTime() - 30 * 60_000);
    const literal = rows('requests | where timestamp >= datetime(2026-11-23 09:30) and timestamp < now()');
    assert.equal(literal.length, recent.length);
    assert.equal(rows('requests | where timestamp > now() + 1d').length, 0);
  });

  void it('reads dynamic members, and contains searches a dynamic value as JSON text', () => {
    const opts = { timespan: 'PT6H' };
    const viaDot = rows('traces | where isnotempty(tostring(customDimensions.Prediction))', opts);
    const viaContains = rows('traces | where customDimensions contains "Prediction"', opts);
    assert.ok(viaDot.length > 0);
    assert.equal(viaDot.length, viaContains.length);
    const bracket = rows('requests | where tostring(customDimensions["Service Name"]) == "main"', opts);
    assert.equal(bracket.length, rows('requests', opts).length);
    assert.equal(rows('requests | where isempty(customDimensions.nothing)', opts).length, bracket.length);
  });

  void it('refuses a non-boolean filter and comparisons of unrelated types', () => {
    assert.match(innermostMessage(error('requests | where duration')), /must be of type bool/);
    assert.match(
      innermostMessage(error('requests | where timestamp > 5')),
      /Cannot compare values of types datetime and long/,
    );
  });
});

void describe('query engine: shaping operators', () => {
  void it('projects, renames and computes columns', () => {
    const r = rows(
      'requests | take 3 | project when = timestamp, name, ms = duration * 2, label = strcat(name, " ", resultCode), low = tolower(name), code = toint(resultCode)',
    );
    assert.equal(r.length, 3);
    const first = r[0];
    assert.ok(first);
    assert.deepEqual(Object.keys(first), ['when', 'name', 'ms', 'label', 'low', 'code']);
    assert.equal(first.low, 'post /score');
    assert.equal(typeof first.code, 'number');
    assert.deepEqual(
      columns(
        'requests | project when = timestamp, ms = duration * 2, n = toint(resultCode), d = todouble(resultCode)',
      ),
      ['when:datetime', 'ms:real', 'n:int', 'd:real'],
    );
  });

  void it('extends with dynamic access and parse_json of the message', () => {
    const r = rows(
      'traces | where message startswith "{" | extend input = parse_json(message).input, req = tostring(parse_json(message).request_id) | project input, req, message | take 5',
      { timespan: 'P1D' },
    );
    assert.equal(r.length, 5);
    for (const row of r) {
      const parsed = JSON.parse(String(row.message)) as { input: unknown; request_id: string };
      assert.deepEqual(JSON.parse(String(row.input)), parsed.input);
      assert.equal(row.req, parsed.request_id);
    }
    assert.deepEqual(columns('traces | extend x = customDimensions.Contents | project x, y = tostring(x)'), [
      'x:dynamic',
      'y:string',
    ]);
  });

  void it('removes columns with project-away and renames with project-rename', () => {
    const cols = columns(
      'requests | project timestamp, name, duration | project-away name | project-rename ms = duration',
    );
    assert.deepEqual(cols, ['timestamp:datetime', 'ms:real']);
  });

  void it('orders descending by default, ascending when asked, and takes', () => {
    const desc = rows('requests | order by duration | take 20', { timespan: 'PT12H' }).map(
      (r) => r.duration as number,
    );
    assert.deepEqual(
      desc,
      [...desc].sort((a, b) => b - a),
    );
    const asc = rows('requests | sort by timestamp asc | limit 20', { timespan: 'PT12H' }).map((r) =>
      String(r.timestamp),
    );
    assert.deepEqual(asc, [...asc].sort());
    // A small take after order by keeps only the best rows while scanning; it must agree with a full sort.
    const bounded = rows('requests | order by duration desc, timestamp asc | take 10', { timespan: 'P7D' });
    const full = rows('requests | order by duration desc, timestamp asc | take 5000 | take 10', {
      timespan: 'P7D',
    });
    assert.deepEqual(bounded, full);
    const top = rows('requests | top 5 by duration desc', { timespan: 'PT12H' }).map(
      (r) => r.duration as number,
    );
    assert.deepEqual(top, desc.slice(0, 5));
  });

  void it('counts and lists distinct values', () => {
    const total = rows('requests', { timespan: 'PT12H' }).length;
    assert.deepEqual(rows('requests | count', { timespan: 'PT12H' }), [{ Count: total }]);
    assert.deepEqual(columns('requests | count'), ['Count:long']);
    const distinct = rows('requests | distinct resultCode, success', { timespan: 'P7D' });
    assert.ok(distinct.some((r) => r.resultCode === '200' && r.success === true));
    assert.ok(distinct.some((r) => r.resultCode === '500' && r.success === false));
    assert.equal(
      new Set(distinct.map((r) => `${String(r.resultCode)}/${String(r.success)}`)).size,
      distinct.length,
    );
  });
});

void describe('query engine: summarize', () => {
  void it('aggregates with count, countif, avg, sum, min, max, dcount', () => {
    const all = rows('requests | project duration, success, operation_Id', { timespan: 'PT12H' });
    const durations = all.map((r) => r.duration as number);
    const [s] = rows(
      'requests | summarize count(), failures = countif(success == false), avg(duration), sum(duration), min(duration), max(duration), dcount(operation_Id)',
      { timespan: 'PT12H' },
    );
    assert.ok(s);
    assert.equal(s.count_, all.length);
    assert.equal(s.failures, all.filter((r) => r.success === false).length);
    assert.ok(
      Math.abs((s.avg_duration as number) - durations.reduce((a, b) => a + b, 0) / durations.length) < 1e-6,
    );
    assert.ok(Math.abs((s.sum_duration as number) - durations.reduce((a, b) => a + b, 0)) < 1e-6);
    assert.equal(s.min_duration, Math.min(...durations));
    assert.equal(s.max_duration, Math.max(...durations));
    assert.equal(s.dcount_operation_Id, all.length);
    assert.deepEqual(
      columns(
        'requests | summarize count(), failures = countif(success == false), avg(duration), dcount(operation_Id)',
      ),
      ['count_:long', 'failures:long', 'avg_duration:real', 'dcount_operation_Id:long'],
    );
  });

  void it('summarizes by bin(timestamp, 5m) into datetime buckets', () => {
    const r = rows('requests | summarize n = count() by bin(timestamp, 5m) | order by timestamp asc', {
      timespan: 'PT1H',
    });
    assert.deepEqual(columns('requests | summarize n = count() by bin(timestamp, 5m)'), [
      'timestamp:datetime',
      'n:long',
    ]);
    assert.ok(r.length >= 12 && r.length <= 13);
    for (const row of r) assert.equal(Date.parse(String(row.timestamp)) % 300_000, 0);
    assert.equal(
      r.reduce((a, row) => a + (row.n as number), 0),
      rows('requests', { timespan: 'PT1H' }).length,
    );
  });

  void it('computes percentile and percentiles with the service column names', () => {
    assert.deepEqual(
      columns('requests | summarize percentiles(duration, 50, 95, 99) by bin(timestamp, 1h)'),
      [
        'timestamp:datetime',
        'percentile_duration_50:real',
        'percentile_duration_95:real',
        'percentile_duration_99:real',
      ],
    );
    const durations = rows('requests | project duration', { timespan: 'P1D' })
      .map((r) => r.duration as number)
      .sort((a, b) => a - b);
    const [p] = rows('requests | summarize percentiles(duration, 50, 95), p99 = percentile(duration, 99)', {
      timespan: 'P1D',
    });
    assert.ok(p);
    const rank = (q: number) => durations[Math.ceil((q / 100) * durations.length) - 1];
    assert.equal(p.percentile_duration_50, rank(50));
    assert.equal(p.percentile_duration_95, rank(95));
    assert.equal(p.p99, rank(99));
    assert.ok((p.percentile_duration_50 as number) <= (p.percentile_duration_95 as number));
  });

  void it('groups by columns and dynamic expressions', () => {
    const r = rows('traces | summarize n = count() by severityLevel, role = cloud_RoleName', {
      timespan: 'P1D',
    });
    assert.ok(r.some((x) => x.severityLevel === 1 && x.role === 'main'));
    assert.ok(r.some((x) => x.severityLevel === 3));
  });

  void it('refuses a non-aggregate in the aggregate list and aggregates elsewhere', () => {
    assert.match(innermostMessage(error('requests | summarize duration by name')), /aggregation function/);
    assert.match(innermostMessage(error('requests | extend c = count()')), /can be used only in summarize/);
  });
});

void describe('query engine: timespan', () => {
  void it('hides rows outside the window before the query runs', () => {
    const hour = rows('requests | project timestamp', { timespan: 'PT1H' });
    assert.ok(hour.length > 0);
    for (const r of hour) {
      const t = Date.parse(String(r.timestamp));
      assert.ok(t >= now.getTime() - 3_600_000 && t <= now.getTime());
    }
    const all = rows('requests | count')[0]?.Count as number;
    const week = rows('requests | count', { timespan: 'P7D' })[0]?.Count as number;
    assert.equal(all, week, 'the generated data spans the last 7 days');
    assert.ok(all > hour.length);
  });

  void it('reads start/end and start/duration intervals', () => {
    const start = '2026-11-22T00:00:00Z';
    const a = rows('requests | summarize min(timestamp), max(timestamp), count()', {
      timespan: `${start}/2026-11-22T06:00:00Z`,
    })[0];
    const b = rows('requests | summarize count()', { timespan: `${start}/PT6H` })[0];
    assert.ok(a && b);
    assert.ok(Date.parse(String(a.min_timestamp)) >= Date.parse(start));
    assert.ok(Date.parse(String(a.max_timestamp)) < Date.parse('2026-11-22T06:00:00Z'));
    assert.equal(a.count_, b.count_);
  });

  void it('refuses a timespan it cannot read', () => {
    const answer = engine.run({ scope: dev, query: 'requests', timespan: 'yesterday' });
    assert.equal(answer.status, 400);
    assert.ok(answer.status === 400);
    assert.equal(answer.body.error.code, 'BadArgumentError');
  });
});

void describe('query engine: errors in the service shape', () => {
  void it('answers a syntax error with SYN0002, its line and position', () => {
    const e = error('requests\n| where success == false\n| summarize count() bye name');
    assert.equal(e.code, 'BadArgumentError');
    assert.equal(e.innererror?.code, 'SyntaxError');
    assert.deepEqual(
      { ...e.innererror?.innererror, message: undefined },
      { code: 'SYN0002', message: undefined, line: 3, pos: 20, token: 'bye' },
    );
  });

  void it('answers unknown tables, columns and functions with a semantic error naming them', () => {
    assert.equal(
      innermostMessage(error('foo | take 1')),
      "'take' operator: Failed to resolve table or column expression named 'foo'",
    );
    assert.equal(
      innermostMessage(error('requests | where bar == 1')),
      "'where' operator: Failed to resolve scalar expression named 'bar'",
    );
    assert.equal(
      innermostMessage(error('requests | extend x = frob(name)')),
      "'extend' operator: Unknown function: 'frob'",
    );
    assert.equal(
      error('AmlOnlineEndpointConsoleLog').innererror?.code,
      'SemanticError',
      'Log Analytics tables are not in a component',
    );
  });

  void it('names supported-elsewhere operators and functions instead of inventing rows', () => {
    assert.match(
      innermostMessage(error('requests | join (traces) on operation_Id')),
      /'join' operator is not supported/,
    );
    assert.match(
      innermostMessage(error('requests | mv-expand customDimensions')),
      /'mv-expand' operator is not supported/,
    );
    assert.match(
      innermostMessage(error('requests | extend d = format_datetime(timestamp, "yyyy")')),
      /'format_datetime' is not supported/,
    );
    assert.match(
      innermostMessage(error('requests | summarize arg_max(timestamp, *)')),
      /'arg_max' is not supported/,
    );
  });
});

void describe('query engine: Log Analytics workspace tables', () => {
  const laRows = (query: string) => {
    const answer = engine.run({ scope: la, query, timespan: 'P1D' });
    if (answer.status !== 200) assert.fail(JSON.stringify(answer.body));
    const table = answer.body.tables[0];
    assert.ok(table);
    return table.rows.map((r) => Object.fromEntries(table.columns.map((c, i) => [c.name, r[i]])));
  };

  void it('holds console, traffic and event logs of the managed deployments', () => {
    const deployments = laRows('AmlOnlineEndpointTrafficLog | distinct DeploymentName').map(
      (r) => r.DeploymentName,
    );
    assert.deepEqual(
      deployments.sort(),
      ['blue', 'green'],
      'managed deployments log whether or not App Insights is on',
    );
    const traffic = laRows(
      'AmlOnlineEndpointTrafficLog | where ResponseCode != 200 | project ResponseCode, ModelStatusCode, TotalDurationMs',
    );
    assert.ok(traffic.length > 0);
    assert.ok(traffic.some((r) => r.ResponseCode === 429 && r.ModelStatusCode === 0));
    const consoleLog = laRows('AmlOnlineEndpointConsoleLog | where DeploymentName == "blue" | take 50');
    assert.equal(consoleLog.length, 50);
    assert.ok(consoleLog.every((r) => typeof r.Message === 'string' && typeof r.InstanceId === 'string'));
    const events = laRows('AmlOnlineEndpointEventLog | summarize count() by Name');
    assert.ok(events.length > 3);
  });

  void it('exposes the workspace-based App* tables of its component', () => {
    const traces = laRows('AppTraces | where Properties contains "input" | take 3');
    assert.equal(traces.length, 3);
    assert.ok(typeof traces[0]?.Message === 'string');
    const requests = laRows('AppRequests | summarize count() by AppRoleName');
    assert.deepEqual(requests.map((r) => r.AppRoleName).sort(), ['blue', 'k8s', 'legacy-aci']);
  });
});

void describe('query engine: the ready queries of the query panel', () => {
  void it('keeps hostile names inside their literals: every query parses and matches nothing', () => {
    const hostile = {
      kind: 'deployment',
      endpointName: 'ep" or 1==1 //',
      deploymentName: 'a\\"\n| take 5',
    } as const;
    for (const q of readyQueries(hostile, { value: 'r" or 1==1 //' })) {
      const answer = engine.run({
        scope: q.source === 'appInsights' ? prod : la,
        query: q.kql,
        timespan: 'P1D',
      });
      if (answer.status !== 200) assert.fail(`${q.id}: ${JSON.stringify(answer.body)}`);
      const table = answer.body.tables[0];
      const rowCount = table?.rows.length ?? -1;
      // Summaries by bin answer no buckets; everything else no rows.
      assert.equal(rowCount, 0, `${q.id} matched nothing`);
    }
  });

  const scopes = [
    { kind: 'deployment', endpointName: 'credit-ep', deploymentName: 'blue' },
    { kind: 'legacyService', serviceName: 'legacy-aci' },
    { kind: 'workspace' },
  ] as const;
  // The App Insights scope as discovery finds it: the name the rows carry.
  const telemetry = {
    deployment: { value: 'blue' },
    legacyService: { value: 'legacy-aci' },
    workspace: undefined,
  };
  for (const scope of scopes) {
    void it(`answers every ready query for a ${scope.kind}`, () => {
      for (const q of readyQueries(scope, telemetry[scope.kind])) {
        const answer = engine.run({
          scope: q.source === 'appInsights' ? prod : la,
          query: q.kql,
          timespan: 'P1D',
          includeRender: true,
        });
        if (answer.status !== 200) assert.fail(`${q.id}: ${JSON.stringify(answer.body)}`);
        const table = answer.body.tables[0];
        assert.ok(table && table.rows.length > 0, `${q.id} has rows for ${scope.kind}`);
        if (q.kql.includes('render timechart')) assert.equal(answer.body.render?.visualization, 'timechart');
      }
    });
  }
});
