// The query panel's host against the emulator: a run's rows reach the page in chunks while the
// answer arrives (the first one small, offsets in order, the last one complete with what needs the
// whole answer), small results take the same path in one chunk, and a page that comes back gets
// every row so far in one message.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { EventEmitter, installStandInVscode, l10n } from '../support/standInVscode';
import type { AzureSession, BaseServices } from '../../src/services';
import type { PanelBinding, PanelState, TimeRange, ToWebview } from '../../src/query/protocol';
import { shapeQueryResult, toCsv } from '../../src/core/queryResult';
import { TableBuilder } from '../../src/core/resultStream';
import { scenarioOf, startTestAzure, type TestAzure } from './support';
import { answer, TestUserInput } from '../support/testUserInput';

type ResultMessage = Extract<ToWebview, { type: 'result' }>;

function realVscode(): { Uri: { file(path: string): unknown } } | undefined {
  try {
    return createRequire(__filename)('vscode') as { Uri: { file(path: string): unknown } };
  } catch {
    return undefined;
  }
}
// Inside code-server's extension host (the e2e run) the real API answers; in plain Node a stand-in.
const inHost = realVscode();
const joinPath = (base: { path: string }, ...parts: string[]) => ({ path: [base.path, ...parts].join('/') });
const standIn = {
  EventEmitter,
  l10n,
  Uri: { joinPath, file: (path: string) => ({ path }) },
  env: { language: 'en', clipboard: { writeText: () => Promise.resolve() } },
  window: { setStatusBarMessage: () => ({ dispose: () => undefined }) },
  workspace: {
    getConfiguration: () => ({ get: (_key: string, fallback: unknown) => fallback }),
    onDidChangeConfiguration: new EventEmitter<unknown>().event,
  },
  Disposable: { from: () => ({ dispose: () => undefined }) },
};
if (!inHost) installStandInVscode(standIn);
const extensionUri = (inHost ?? standIn).Uri.file('/ext');

function fakeWebviewPanel() {
  const posted: ToWebview[] = [];
  const received = new EventEmitter<unknown>();
  const viewState = new EventEmitter<void>();
  const disposed = new EventEmitter<void>();
  const panel = {
    title: '',
    active: true,
    visible: true,
    webview: {
      options: {},
      html: '',
      cspSource: 'vscode-webview:',
      asWebviewUri: (u: unknown) => u,
      postMessage: (m: ToWebview) => {
        posted.push(m);
        return Promise.resolve(true);
      },
      onDidReceiveMessage: received.event,
    },
    onDidChangeViewState: viewState.event,
    onDidDispose: disposed.event,
    reveal: () => undefined,
    dispose: () => disposed.fire(),
  };
  return {
    panel,
    posted,
    fromPage: (m: unknown) => received.fire(m),
    hide: () => {
      panel.visible = false;
      viewState.fire();
      panel.visible = true;
    },
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A fixed window inside the benchmark's 7 days: the same rows however long the test runs. */
function fixedRange(): TimeRange {
  const day = 86_400_000;
  return {
    kind: 'custom',
    start: new Date(Date.now() - 6 * day).toISOString(),
    end: new Date(Date.now() - 1 * day).toISOString(),
  };
}

void describe('query panel host: rows in chunks', () => {
  let t: TestAzure;
  let binding: PanelBinding;
  let services: BaseServices;

  before(async () => {
    t = await startTestAzure();
    const component = t.emu.query.components.find((c) => c.benchmark);
    assert.ok(component);
    binding = {
      componentId: component.componentId,
      componentName: component.name,
      scopeLabel: 'bench',
      scope: { kind: 'workspace' },
    };
    const { Settings } = await import('../../src/settings');
    const azure = {
      getClient: () => Promise.resolve(t.client),
      cloud: () => t.client.cloud,
    } as unknown as AzureSession;
    const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
    services = {
      context: { extensionUri },
      log,
      settings: new Settings(),
      azure,
    } as unknown as BaseServices;
  });
  after(() => t.stop());

  async function openPanel() {
    const { QueryPanel } = await import('../../src/query/panel');
    const fake = fakeWebviewPanel();
    const state: PanelState = {
      binding,
      query: '',
      source: 'appInsights',
      timeRange: { kind: 'preset', duration: 'P7D' },
      scrollTop: 0,
      filter: '',
    };
    const panel = new QueryPanel(services, fake.panel as never, binding, state);
    fake.fromPage({ type: 'ready' });
    await tick();
    return { ...fake, panel };
  }

  const results = (posted: ToWebview[]) => posted.filter((m): m is ResultMessage => m.type === 'result');

  void it('sends a large result in chunks that grow the table the whole result makes', async () => {
    const { panel, posted } = await openPanel();
    const query =
      'requests | project timestamp, name, resultCode, duration, success, customDimensions | take 30000';
    const range = fixedRange();
    await panel.run(query, 'appInsights', range);
    const chunks = results(posted);
    assert.ok(chunks.length > 1, `${chunks.length} chunk(s)`);
    assert.ok(chunks[0]!.table.rowCount < 30000, 'the first chunk does not wait for the whole result');
    const builder = new TableBuilder();
    chunks.forEach((c, i) => {
      assert.equal(c.offset, builder.rowCount, `chunk ${i} follows on`);
      assert.equal(c.complete, i === chunks.length - 1);
      builder.append(c.table);
      assert.equal(c.totalRows, builder.rowCount);
    });
    const last = chunks.at(-1)!;
    assert.equal(last.status, 'Success');
    assert.ok(last.statistics.executionTimeSeconds !== undefined, 'statistics come with the last chunk');
    const whole = shapeQueryResult(
      await t.client.query({ kind: 'appInsights', resourceId: binding.componentId }, query, {
        start: new Date(range.kind === 'custom' ? range.start : 0),
        end: new Date(range.kind === 'custom' ? range.end : 0),
      }),
    );
    assert.equal(builder.rowCount, 30000);
    assert.equal(toCsv(builder.table), toCsv(whole.table));

    panel.dispose();
  });

  void it('sends a small result on the same path (its rows, then the closing chunk), and again in one message to a page that comes back', async () => {
    const { panel, posted, fromPage, hide } = await openPanel();
    await panel.run('requests | take 5', 'appInsights', { kind: 'preset', duration: 'P7D' });
    const chunks = results(posted);
    assert.ok(chunks.length <= 2, `${chunks.length} chunks`);
    assert.equal(chunks[0]?.offset, 0);
    assert.equal(chunks[0]?.table.rowCount, 5);
    assert.equal(chunks.at(-1)?.complete, true);
    assert.equal(chunks.at(-1)?.totalRows, 5);

    hide();
    const from = posted.length;
    fromPage({ type: 'ready' });
    await tick();
    const replay = results(posted.slice(from));
    assert.equal(replay.length, 1);
    assert.equal(replay[0]?.offset, 0);
    assert.equal(replay[0]?.complete, true);
    assert.equal(replay[0]?.totalRows, 5);
    assert.equal(toCsv(replay[0].table), toCsv(chunks[0].table));
    panel.dispose();
  });

  void it('says a partial failure with the last chunk, the partial rows kept', async () => {
    const { panel, posted } = await openPanel();
    t.emu.faults.add({ path: '/query', kind: 'partialQuery', times: 1 });
    await panel.run('requests | take 2000', 'appInsights', { kind: 'preset', duration: 'P7D' });
    const chunks = results(posted);
    const last = chunks.at(-1)!;
    assert.equal(last.complete, true);
    assert.equal(last.status, 'PartialFailure');
    assert.ok(last.partialError?.detail);
    assert.ok(last.totalRows > 0 && last.totalRows < 2000);
    panel.dispose();
  });

  const queryCalls = (from: number) =>
    t.emu.requests.slice(from).filter((r) => r.method === 'POST' && r.path.endsWith('/query')).length;

  void it('runs the query again from the start when the connection is lost mid-answer, its rows replacing those shown, and says so', async () => {
    const { panel, posted } = await openPanel();
    const query = 'requests | project timestamp, name, duration | take 3000';
    const range = fixedRange();
    const from = t.emu.requests.length;
    t.emu.faults.add({ method: 'POST', path: /\/query$/, kind: 'resetMidBody', times: 1 });
    await panel.run(query, 'appInsights', range);
    assert.equal(queryCalls(from), 2, 'the query ran twice');
    const again = posted.findIndex((m) => m.type === 'running' && m.notice !== undefined);
    assert.ok(again > 0, 'a second running message says why');
    const notice = (posted[again] as Extract<ToWebview, { type: 'running' }>).notice!;
    assert.match(notice, /connection was lost after [\d,]+ rows/);
    assert.ok(results(posted.slice(0, again)).length > 0, 'rows of the cut answer were shown first');
    // The second run's chunks start again at offset 0: the page replaces the rows it had.
    const chunks = results(posted.slice(again));
    assert.equal(chunks[0]?.offset, 0);
    const builder = new TableBuilder();
    for (const c of chunks) builder.append(c.table);
    const last = chunks.at(-1)!;
    assert.equal(last.complete, true);
    assert.equal(last.status, 'Success');
    assert.match(last.notice ?? '', /ran again from the start/);
    const whole = shapeQueryResult(
      await t.client.query({ kind: 'appInsights', resourceId: binding.componentId }, query, {
        start: new Date(range.kind === 'custom' ? range.start : 0),
        end: new Date(range.kind === 'custom' ? range.end : 0),
      }),
    );
    assert.equal(builder.rowCount, 3000);
    assert.equal(toCsv(builder.table), toCsv(whole.table));
    assert.ok(!posted.some((m) => m.type === 'error'), 'no error once the second run got every row');
    panel.dispose();
  });

  void it('keeps the rows shown, marked incomplete, when the connection is lost again', async () => {
    const { panel, posted } = await openPanel();
    const from = t.emu.requests.length;
    t.emu.faults.add({ method: 'POST', path: /\/query$/, kind: 'resetMidBody', times: Infinity });
    await panel.run('requests | take 3000', 'appInsights', fixedRange());
    t.emu.faults.clear();
    assert.equal(queryCalls(from), 2, 'one run again, not more');
    const last = results(posted).at(-1)!;
    assert.equal(last.complete, true, 'the rows can be sorted, filtered and exported');
    assert.equal(last.status, 'PartialFailure');
    assert.match(last.partialError?.title ?? '', /lost twice.*only the first part/);
    assert.ok(last.partialError?.hint);
    assert.ok(last.totalRows > 0 && last.totalRows < 3000, `${last.totalRows} rows kept`);
    assert.ok(!posted.some((m) => m.type === 'error'));
    panel.dispose();
  });
});

void describe('query panel host: the App Insights scope of the ready queries', () => {
  let t: TestAzure;
  let componentId: string;
  let componentName: string;
  let services: BaseServices;
  let ui: TestUserInput;
  const memento = new Map<string, unknown>();

  before(async () => {
    t = await startTestAzure();
    // fraud-detect/main reports SERVICE_NAME "fraud-detect-main"; fraud-detect/shadow has App Insights off.
    const component = t.emu.query.components.find((c) =>
      c.sources.some((s) => s.roleName === 'fraud-detect-main'),
    );
    assert.ok(component, 'the default scenario has fraud-detect/main sending telemetry');
    componentId = component.componentId;
    componentName = component.name;
    const { Settings } = await import('../../src/settings');
    ui = new TestUserInput();
    services = {
      context: {
        extensionUri,
        workspaceState: {
          get: (key: string) => memento.get(key),
          update: (key: string, value: unknown) => {
            memento.set(key, value);
            return Promise.resolve();
          },
          keys: () => [...memento.keys()],
        },
      },
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      settings: new Settings(),
      azure: {
        getClient: () => Promise.resolve(t.client),
        cloud: () => t.client.cloud,
      } as unknown as AzureSession,
      ui,
    } as unknown as BaseServices;
  });
  after(() => t.stop());

  function workspaceOfEndpoint(endpointName: string) {
    for (const sub of scenarioOf(t.emu).subscriptions)
      for (const workspace of sub.workspaces)
        if (workspace.endpoints.some((e) => e.name === endpointName))
          return { subscriptionId: sub.subscriptionId, workspace };
    assert.fail(`no ${endpointName} in the scenario`);
  }

  function bindingOf(endpointName: string, deploymentName: string): PanelBinding {
    return {
      componentId,
      componentName,
      scopeLabel: `${endpointName}/${deploymentName}`,
      scope: { kind: 'deployment', endpointName, deploymentName },
    };
  }

  async function openPanel(binding: PanelBinding) {
    const { QueryPanel } = await import('../../src/query/panel');
    const { defaultQuery } = await import('../../src/core/kql');
    const fake = fakeWebviewPanel();
    const state: PanelState = {
      binding,
      query: defaultQuery(binding.scope),
      source: 'appInsights',
      timeRange: { kind: 'preset', duration: 'P7D' },
      scrollTop: 0,
      filter: '',
    };
    const panel = new QueryPanel(services, fake.panel as never, binding, state);
    fake.fromPage({ type: 'ready' });
    await panel.whenScoped();
    await tick();
    return { ...fake, panel };
  }

  type ScopeMessage = Extract<ToWebview, { type: 'scope' }>;
  /** What the page was told last: by a scope message, or with its first message (init). */
  const lastScope = (posted: ToWebview[]): ScopeMessage => {
    const all = posted.flatMap((m): ScopeMessage[] =>
      m.type === 'scope'
        ? [m]
        : m.type === 'init' && m.scope
          ? [{ type: 'scope', scope: m.scope, readyQueries: m.readyQueries }]
          : [],
    );
    const last = all.at(-1);
    assert.ok(last, 'the page was told the scope');
    return last;
  };
  const traces = (m: ScopeMessage) => {
    const q = m.readyQueries.find((r) => r.id === 'inputOutputTraces');
    assert.ok(q);
    return q.kql;
  };

  /** Lets a message from the page run to its end (it awaits the pick and the memento). */
  async function settle(posted: ToWebview[], before: number): Promise<void> {
    for (let i = 0; i < 200 && !posted.slice(before).some((m) => m.type === 'scope'); i++) await tick();
  }

  void it('finds the deployment in the data, shows it, and scopes the ready queries by it', async () => {
    const { panel, posted, fromPage, hide } = await openPanel(bindingOf('fraud-detect', 'main'));
    const scope = lastScope(posted);
    assert.equal(scope.scope.state, 'scoped');
    assert.match(scope.scope.text, /fraud-detect-main/);
    assert.equal(scope.scope.note, undefined, 'an exact match has nothing to warn about');
    assert.match(traces(scope), /cloud_RoleName == "fraud-detect-main"/);

    // The scoped ready query reads the deployment's rows only.
    await panel.run(`${traces(scope)}\n| summarize n = count() by cloud_RoleName`, 'appInsights', {
      kind: 'preset',
      duration: 'P7D',
    });
    const last = posted.filter((m): m is ResultMessage => m.type === 'result').at(-1);
    assert.ok(last?.complete);
    assert.equal(last.totalRows, 1, 'one role name in the scoped rows');

    // A page that comes back gets the scope with its first message.
    hide();
    const from = posted.length;
    fromPage({ type: 'ready' });
    await tick();
    const init = posted.slice(from).find((m) => m.type === 'init');
    assert.ok(init?.type === 'init');
    assert.equal(init.scope?.state, 'scoped');
    assert.match(init.readyQueries[0]?.kql ?? '', /fraud-detect-main/);
    panel.dispose();
  });

  void it('names the other endpoints of the workspace that share the deployment name of a name-only match', async () => {
    // credit-risk/blue reports SERVICE_NAME "blue" (the default): a match by the deployment name
    // alone. Who else has a "blue" comes from the scenario, not from the client under test.
    const { subscriptionId, workspace } = workspaceOfEndpoint('credit-risk');
    const sharers = workspace.endpoints
      .filter((e) => e.name !== 'credit-risk' && e.deployments.some((d) => d.name === 'blue'))
      .map((e) => e.name);
    assert.ok(sharers.length > 0, 'the default scenario has another endpoint with a blue deployment');
    const endpointId = `/subscriptions/${subscriptionId}/resourceGroups/${workspace.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${workspace.name}/onlineEndpoints/credit-risk`;
    const withId = await openPanel({
      ...bindingOf('credit-risk', 'blue'),
      scope: { kind: 'deployment', endpointName: 'credit-risk', deploymentName: 'blue', endpointId },
    });
    const named = lastScope(withId.posted);
    assert.equal(named.scope.state, 'scoped');
    assert.match(named.scope.text, /"blue"/);
    for (const other of sharers)
      assert.ok(named.scope.note?.includes(other), `${other} in ${named.scope.note}`);
    assert.ok(!named.scope.note?.includes('credit-risk'), 'the endpoint itself is not among the others');
    withId.panel.dispose();

    // A panel state from before endpoint ids were kept: the general note, no listing.
    const before = t.emu.requests.length;
    const withoutId = await openPanel(bindingOf('credit-risk', 'blue'));
    assert.match(lastScope(withoutId.posted).scope.note ?? '', /deployment name alone/);
    assert.ok(!t.emu.requests.slice(before).some((r) => /\/onlineEndpoints(\?|$)/.test(r.path)));
    withoutId.panel.dispose();
  });

  void it('says plainly when nothing in the data matches, and runs the ready queries unscoped', async () => {
    const { panel, posted } = await openPanel(bindingOf('fraud-detect', 'shadow'));
    const scope = lastScope(posted);
    assert.equal(scope.scope.state, 'unscoped');
    assert.match(scope.scope.note ?? '', /fraud-detect\/shadow/);
    assert.match(scope.scope.note ?? '', /unscoped/);
    assert.doesNotMatch(traces(scope), /cloud_RoleName ==/);
    panel.dispose();
  });

  void it('says a failed discovery and runs unscoped, the panel still answering queries', async () => {
    t.emu.faults.add({ path: '/query', kind: '403', times: 1 });
    const { panel, posted } = await openPanel(bindingOf('fraud-detect', 'main'));
    const scope = lastScope(posted);
    assert.equal(scope.scope.state, 'unscoped');
    assert.match(scope.scope.note ?? '', /Could not find which rows belong to fraud-detect\/main/);
    assert.doesNotMatch(traces(scope), /cloud_RoleName ==/);
    await panel.run('requests | take 3', 'appInsights', { kind: 'preset', duration: 'P7D' });
    const last = posted.filter((m): m is ResultMessage => m.type === 'result').at(-1);
    assert.equal(last?.totalRows, 3);
    panel.dispose();
  });

  void it('lets the user change the scope, and remembers the choice per deployment across a reopen', async () => {
    const first = await openPanel(bindingOf('fraud-detect', 'shadow'));
    ui.queue(answer.pick('fraud-detect-main'));
    const from = first.posted.length;
    first.fromPage({ type: 'changeScope' });
    await settle(first.posted, from);
    ui.assertDone();
    const offered = ui.asked.at(-1)?.choices ?? [];
    assert.ok(offered.includes('fraud-detect-main'), offered.join(', '));
    assert.ok(offered.includes('No scope'), offered.join(', '));
    const chosen = lastScope(first.posted);
    assert.equal(chosen.scope.state, 'scoped');
    assert.match(chosen.scope.text, /your choice/);
    assert.match(traces(chosen), /cloud_RoleName == "fraud-detect-main"/);
    first.panel.dispose();

    const again = await openPanel(bindingOf('fraud-detect', 'shadow'));
    const remembered = lastScope(again.posted);
    assert.equal(remembered.scope.state, 'scoped');
    assert.match(remembered.scope.text, /your choice/);
    assert.match(traces(remembered), /cloud_RoleName == "fraud-detect-main"/);
    again.panel.dispose();

    // "No scope" chosen on purpose beats a match in the data, and is remembered too.
    const main = await openPanel(bindingOf('fraud-detect', 'main'));
    ui.queue(answer.pick('No scope'));
    const at = main.posted.length;
    main.fromPage({ type: 'changeScope' });
    await settle(main.posted, at);
    ui.assertDone();
    main.panel.dispose();
    const reopened = await openPanel(bindingOf('fraud-detect', 'main'));
    const unscoped = lastScope(reopened.posted);
    assert.equal(unscoped.scope.state, 'unscoped');
    assert.match(unscoped.scope.text, /your choice/);
    assert.doesNotMatch(traces(unscoped), /cloud_RoleName ==/);
    reopened.panel.dispose();
  });

  void it('ignores a damaged remembered scope and goes by the data', async () => {
    const { rememberedScopeKey } = await import('../../src/query/panel');
    memento.set(
      rememberedScopeKey(componentId, {
        kind: 'deployment',
        endpointName: 'fraud-detect',
        deploymentName: 'main',
      }),
      { value: 42 },
    );
    const { panel, posted } = await openPanel(bindingOf('fraud-detect', 'main'));
    const scope = lastScope(posted);
    assert.equal(scope.scope.state, 'scoped');
    assert.match(scope.scope.text, /found in the data/);
    panel.dispose();
  });
});
