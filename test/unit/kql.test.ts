import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  defaultQuery,
  endsWithRenderTimechart,
  errorPosition,
  kqlString,
  logAnalyticsScopeFilter,
  portalLogsUrl,
  readyQueries,
  readyQueryIds,
  telemetryScopeFilter,
  type QueryScope,
} from '../../src/core/kql';

/** Reads one KQL double-quoted literal starting at `start`; returns its value and where it ends. */
function readLiteral(text: string, start: number): { value: string; end: number } {
  assert.equal(text[start], '"');
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') return { value, end: i + 1 };
    assert.notEqual(ch, '\n', 'a raw line break inside a literal');
    if (ch === '\\') {
      const next = text[++i];
      if (next === 'n') value += '\n';
      else if (next === 'r') value += '\r';
      else if (next === 't') value += '\t';
      else if (next === 'u') {
        value += String.fromCharCode(parseInt(text.slice(i + 1, i + 5), 16));
        i += 4;
      } else value += next;
    } else value += ch;
  }
  assert.fail('unterminated literal');
}

const nasty = [
  'plain',
  'with "quotes"',
  'back\\slash\\',
  'ends with backslash \\',
  '\\"',
  'multi\nline\r\nname',
  'tab\there',
  'ctl\u0001\u007f\u2028',
  '" | take 1 //',
  "single 'quote'",
  '',
  'ünïcödé 名前 🚀',
];

void describe('kqlString', () => {
  for (const name of nasty) {
    void it(`round-trips ${JSON.stringify(name)}`, () => {
      const literal = kqlString(name);
      const { value, end } = readLiteral(literal, 0);
      assert.equal(value, name);
      assert.equal(end, literal.length, 'the literal ends exactly at its closing quote');
      assert.doesNotMatch(literal, /[\n\r\u2028\u2029]/);
    });
  }
});

void describe('readyQueries', () => {
  const scopes: QueryScope[] = [
    {
      kind: 'deployment',
      endpointName: 'ep"1\\',
      deploymentName: 'blue\n| take 1',
      endpointId: '/subscriptions/s/x"y',
    },
    { kind: 'legacyService', serviceName: 'svc" or 1==1 //' },
    { kind: 'workspace' },
  ];

  void it('builds every query for a deployment and a workspace, App Insights only for v1 services', () => {
    assert.deepEqual(
      readyQueries(scopes[0]!).map((q) => q.id),
      [...readyQueryIds],
    );
    assert.deepEqual(
      readyQueries(scopes[2]!).map((q) => q.id),
      [...readyQueryIds],
    );
    const v1 = readyQueries(scopes[1]!);
    assert.ok(v1.every((q) => q.source === 'appInsights'));
    assert.equal(v1.length, readyQueryIds.length - 2);
  });

  void it('keeps hostile names inside their literals', () => {
    for (const scope of scopes) {
      for (const q of readyQueries(scope, { value: 'role" | take 1' })) {
        // Every line starts with the table or a pipe: a name never broke a line.
        const lines = q.kql.split('\n');
        assert.ok(
          lines.slice(1).every((l) => l.startsWith('| ')),
          q.kql,
        );
        // Walk the literals: each decodes back to a known name or a fixed word.
        let i = 0;
        const seen: string[] = [];
        while ((i = q.kql.indexOf('"', i)) >= 0) {
          const { value, end } = readLiteral(q.kql, i);
          seen.push(value);
          i = end;
        }
        const allowed = new Set([
          'input',
          'Service Name',
          'role" | take 1',
          '/subscriptions/s/x"y',
          'ep"1\\',
          'blue\n| take 1',
          'svc" or 1==1 //',
        ]);
        for (const v of seen)
          assert.ok(allowed.has(v), `unexpected literal ${JSON.stringify(v)} in ${q.kql}`);
      }
    }
  });

  void it('scopes App Insights by the discovered name, Log Analytics by endpoint and deployment', () => {
    assert.equal(
      telemetryScopeFilter({ value: 'blue' }),
      '(cloud_RoleName == "blue" or tostring(customDimensions["Service Name"]) == "blue")',
    );
    // Never a key the inference server does not write.
    for (const scope of scopes)
      for (const q of readyQueries(scope, { value: 'x' }))
        assert.doesNotMatch(q.kql, /Endpoint Name|Deployment Name/, q.kql);
    // Without a discovered scope, App Insights queries are unscoped.
    const unscoped = readyQueries(scopes[0]!).filter((q) => q.source === 'appInsights');
    for (const q of unscoped) assert.doesNotMatch(q.kql, /cloud_RoleName ==|Service Name/, q.kql);
    assert.equal(
      logAnalyticsScopeFilter({
        kind: 'deployment',
        endpointName: 'e',
        deploymentName: 'd"',
        endpointId:
          '/subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/w/onlineEndpoints/e',
      }),
      '_ResourceId =~ "/subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/w/onlineEndpoints/e" and DeploymentName == "d\\""',
    );
    // Never the deployment name alone.
    const la = logAnalyticsScopeFilter({ kind: 'deployment', endpointName: 'e', deploymentName: 'd' });
    assert.match(la ?? '', /^_ResourceId contains "\/onlineEndpoints\/e" and DeploymentName == "d"$/);
    assert.equal(logAnalyticsScopeFilter({ kind: 'workspace' }), undefined);
  });

  void it('starts from the document query and marks the timecharts', () => {
    assert.equal(
      defaultQuery({ kind: 'workspace' }),
      'traces\n| where message contains "input" or customDimensions contains "input"\n| order by timestamp desc\n| limit 10',
    );
    const charts = readyQueries({ kind: 'workspace' }).filter((q) => endsWithRenderTimechart(q.kql));
    assert.deepEqual(
      charts.map((q) => q.id),
      ['latencyPercentiles', 'requestRate'],
    );
  });
});

void describe('endsWithRenderTimechart', () => {
  void it('sees the operator only at the end', () => {
    assert.equal(
      endsWithRenderTimechart('requests | summarize count() by bin(timestamp, 1h) | render timechart'),
      true,
    );
    assert.equal(endsWithRenderTimechart('requests\n| render   TimeChart with (title="x")\n// done'), true);
    assert.equal(endsWithRenderTimechart('requests | render timechart | take 5'), false);
    assert.equal(endsWithRenderTimechart('requests | render barchart'), false);
  });
});

void describe('errorPosition', () => {
  void it('reads both wordings of the service', () => {
    assert.deepEqual(errorPosition("Query could not be parsed at '|' on line [2,15]"), {
      line: 2,
      column: 15,
    });
    assert.deepEqual(errorPosition('Syntax error: Line 3, Position 7: unexpected token'), {
      line: 3,
      column: 7,
    });
    assert.equal(errorPosition('Table traces2 was not found'), undefined);
    assert.equal(errorPosition(undefined), undefined);
  });
});

const gzipBase64 = (text: string): string => gzipSync(Buffer.from(text, 'utf8')).toString('base64');

void describe('portalLogsUrl', () => {
  void it('carries the query gzipped and the resource id encoded', () => {
    const query = 'traces | where message has "ü & /"';
    const url = portalLogsUrl({
      portalUrl: 'https://portal.azure.com/',
      tenantId: 'tenant-1',
      resourceId: '/subscriptions/s/resourceGroups/rg/providers/microsoft.insights/components/ai',
      query,
      timespan: 'PT1H',
      gzipBase64,
    });
    const m =
      /^https:\/\/portal\.azure\.com\/#@tenant-1\/blade\/Microsoft_Azure_Monitoring_Logs\/LogsBlade\/resourceId\/([^/]+)\/source\/LogsBlade\.AnalyticsShareLinkToQuery\/q\/([^/]+)\/timespan\/PT1H$/.exec(
        url,
      );
    assert.ok(m, url);
    assert.equal(
      decodeURIComponent(m[1]!),
      '/subscriptions/s/resourceGroups/rg/providers/microsoft.insights/components/ai',
    );
    assert.equal(gunzipSync(Buffer.from(decodeURIComponent(m[2]!), 'base64')).toString('utf8'), query);
    assert.ok(
      !portalLogsUrl({ portalUrl: 'https://p', resourceId: '/x', query: 'q', gzipBase64 }).includes('@'),
    );
  });
});
