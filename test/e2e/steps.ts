// What the end-to-end suite does, as a user: each step reads the screen (tree rows, dialogs, the
// Output panel, the query panel's webview) and checks it against the emulator's scenario and the
// requests the emulator recorded.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeServer } from './codeServer';
import type { HostRunResult } from '../desktop/hostSuite';
import { escapeRegExp, waitUntil, type Workbench } from './workbench';
import type { startEmulator } from '../emulator/index';
import { createMonitorState, ENDPOINT_LOG_CATEGORIES, monitorRoute } from '../emulator/monitor';
import { toMetricsAnswer } from '../../src/azure/monitor';
import { glanceOf } from '../../src/core/metrics';
import { glanceText } from '../../src/core/treePresentation';
import type {
  Scenario,
  ScenarioDeployment,
  ScenarioEndpoint,
  ScenarioSubscription,
  ScenarioWorkspace,
} from '../emulator/scenario';

export type Emulator = Awaited<ReturnType<typeof startEmulator>>;

export interface Context {
  emu: Emulator;
  cs: CodeServer;
  wb: Workbench;
  artifacts: string;
  /** Where the test host writes the in-host integration run's result. */
  hostResultsPath: string;
}

export interface Step {
  name: string;
  /** File name of its screenshots. */
  slug: string;
  timeoutMs?: number;
  run(ctx: Context, shot: string): Promise<void>;
}

const CATEGORY = 'Azure ML Monitor';
const VIEW_CONTAINER = 'Azure ML Monitor';
const MARKUP = '<img';

let bound: Scenario | undefined;
/** The scenario the emulator serves (its default one): what the tree must show. */
export function bindScenario(s: Scenario): void {
  bound = s;
}
function scenario(): Scenario {
  assert.ok(bound, 'no scenario: the emulator did not start');
  return bound;
}

interface DeploymentPath {
  sub: ScenarioSubscription;
  ws: ScenarioWorkspace;
  ep: ScenarioEndpoint;
  dep: ScenarioDeployment;
}

function allDeployments(): DeploymentPath[] {
  return scenario().subscriptions.flatMap((sub) =>
    sub.workspaces.flatMap((ws) =>
      ws.endpoints.flatMap((ep) => ep.deployments.map((dep) => ({ sub, ws, ep, dep }))),
    ),
  );
}

function healthy(p: DeploymentPath): boolean {
  return (
    p.dep.provisioningState === 'Succeeded' &&
    p.ep.provisioningState === 'Succeeded' &&
    (p.sub.state ?? 'Enabled') === 'Enabled'
  );
}

/** A deployment with App Insights off, in a workspace that has an App Insights resource. */
const appInsightsTarget = (): DeploymentPath => {
  const found = allDeployments().find((p) => healthy(p) && !p.dep.appInsightsEnabled && p.ws.appInsights);
  assert.ok(
    found,
    'the default scenario has no healthy deployment with App Insights off in a workspace with App Insights',
  );
  return found;
};

/** A deployment whose workspace has App Insights: its traces can be queried. */
const queryTarget = (): DeploymentPath => {
  const found = allDeployments().find((p) => healthy(p) && p.ws.appInsights);
  assert.ok(found, 'the default scenario has no deployment in a workspace with App Insights');
  return found;
};

interface MarkupHolder {
  sub: ScenarioSubscription;
  ws: ScenarioWorkspace;
  /** Set when the markup is the endpoint's description (its tooltip); else the workspace's friendly name. */
  ep?: ScenarioEndpoint;
  text: string;
}

/** Where the scenario hides markup in text users see: workspaces' friendly names, endpoints' descriptions. */
function markupHolders(): MarkupHolder[] {
  const found: MarkupHolder[] = [];
  for (const sub of scenario().subscriptions) {
    for (const ws of sub.workspaces) {
      if (ws.friendlyName?.includes(MARKUP)) found.push({ sub, ws, text: ws.friendlyName });
      for (const ep of ws.endpoints) {
        if (ep.description?.includes(MARKUP)) found.push({ sub, ws, ep, text: ep.description });
      }
    }
  }
  assert.ok(found.length > 0, `the scenario holds no name with ${MARKUP}`);
  return found;
}

const PROBE_FILE = 'probe-request.json';

function ensureProbeRequest(cs: CodeServer): void {
  writeFileSync(join(cs.folder, PROBE_FILE), '{"data": [[1.0, 2.0, 3.0, 4.0]]}\n');
}

function deploymentNamed(endpoint: string, deployment: string): DeploymentPath {
  const found = allDeployments().find((p) => p.ep.name === endpoint && p.dep.name === deployment);
  assert.ok(found, `the default scenario has no ${endpoint}/${deployment}`);
  return found;
}

function armPath(
  sub: ScenarioSubscription,
  ws: ScenarioWorkspace,
  ep: ScenarioEndpoint,
  dep?: ScenarioDeployment,
): string {
  const endpoint = `/subscriptions/${sub.subscriptionId}/resourceGroups/${ws.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${ws.name}/onlineEndpoints/${ep.name}`;
  return dep ? `${endpoint}/deployments/${dep.name}` : endpoint;
}

/** The log categories of an online endpoint (Azure Monitor's supported-logs reference). */
const LOG_CATEGORIES = ENDPOINT_LOG_CATEGORIES;

/**
 * A healthy endpoint that no diagnostic setting covers, in a workspace whose Application Insights
 * sends to a Log Analytics workspace (the one the command offers first). Not credit-risk: the
 * Diagnose step reads its settings.
 */
function endpointWithoutDiagnosticSetting(): {
  sub: ScenarioSubscription;
  ws: ScenarioWorkspace;
  ep: ScenarioEndpoint;
} {
  for (const sub of scenario().subscriptions)
    for (const ws of sub.workspaces)
      for (const ep of ws.endpoints)
        if (
          ep.name !== 'credit-risk' &&
          !ep.diagnosticSetting &&
          ep.provisioningState === 'Succeeded' &&
          ws.appInsights?.logAnalyticsWorkspace
        )
          return { sub, ws, ep };
  assert.fail(
    'the default scenario has no endpoint without a diagnostic setting in a workspace with Log Analytics',
  );
}

type ScoringRecord = Emulator['scoring']['records'][number];

/**
 * Send Test Request from a tree row (an endpoint or a deployment), answering the pin question when
 * given, with the probe file as the body: waits for the answer document and returns what the
 * emulator recorded for that request.
 */
async function sendTestRequest(
  { wb, cs, emu }: Context,
  rowLabel: string,
  pin?: string,
): Promise<{ record: ScoringRecord; answer: string }> {
  ensureProbeRequest(cs);
  const before = emu.scoring.records.length;
  await contextMenu(wb, rowLabel, 'Send Test Request');
  if (pin) await wb.answerPick('Send Test Request: Deployment', pin);
  await wb.answerPick('Send Test Request: Request Body', PROBE_FILE);
  const record = await waitUntil('the emulator to answer the request', () =>
    Promise.resolve(emu.scoring.records.slice(before).find((r) => r.status !== 0)),
  );
  // The answer document names the request by its id (an older answer may still be open).
  const answer = await wb.editorText(new RegExp(escapeRegExp(record.requestId)));
  assert.match(answer, new RegExp(`^# ${escapeRegExp(record.endpoint)} · ${record.status} · `, 'm'));
  return { record, answer };
}

async function showView(wb: Workbench): Promise<void> {
  await wb.openViewContainer(VIEW_CONTAINER);
  // With the emulator's sign-in, the tree loads by itself; a Sign In welcome means it did not.
  const signIn = wb.sidebar.locator('.welcome-view .monaco-button', { hasText: 'Sign In' });
  if (await signIn.isVisible().catch(() => false)) await signIn.click();
}

async function expandTo(
  wb: Workbench,
  p: { sub: ScenarioSubscription; ws: ScenarioWorkspace; ep?: ScenarioEndpoint },
): Promise<void> {
  await showView(wb);
  await wb.expand(p.sub.displayName, 60_000);
  await wb.expand(p.ws.name);
  if (p.ep) await wb.expand(p.ep.name);
}

/** The entries of a tree row's context menu (it is closed again). */
async function contextMenuEntries(wb: Workbench, label: string): Promise<string[]> {
  await openContextMenu(wb, label);
  const entries = await wb.page.locator('.monaco-menu .action-item .action-label').allInnerTexts();
  await closeMenus(wb);
  return entries.map((e) => e.trim()).filter(Boolean);
}

/** Opens a tree row's context menu and runs the entry titled title. */
async function contextMenu(wb: Workbench, label: string, title: string): Promise<void> {
  await openContextMenu(wb, label);
  const item = wb.page.locator('.monaco-menu .action-item', { hasText: title }).first();
  await item.waitFor({ state: 'visible', timeout: 10_000 });
  await item.click();
  // A click that lands while the menu is still settling is swallowed (seen under load): the menu
  // stays open with the entry highlighted. Enter runs the highlighted entry, as a user would.
  const menu = wb.page.locator('.context-view .monaco-menu').first();
  const closed = await menu.waitFor({ state: 'hidden', timeout: 3_000 }).then(
    () => true,
    () => false,
  );
  if (!closed) {
    await item.hover();
    await wb.page.keyboard.press('Enter');
    await menu.waitFor({ state: 'hidden', timeout: 5_000 });
  }
}

async function openContextMenu(wb: Workbench, label: string): Promise<void> {
  await closeMenus(wb);
  const row = wb.treeRow(label).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  await row.click({ button: 'right' });
  await wb.page.locator('.monaco-menu').first().waitFor({ state: 'visible', timeout: 10_000 });
}

/** A menu left open blocks every click on the workbench (its overlay takes the pointer). */
async function closeMenus(wb: Workbench): Promise<void> {
  const menu = wb.page.locator('.context-view .monaco-menu');
  for (let i = 0; i < 3 && (await menu.count()) > 0 && (await menu.first().isVisible()); i++) {
    await wb.page.keyboard.press('Escape');
    await menu
      .first()
      .waitFor({ state: 'hidden', timeout: 2_000 })
      .catch(() => undefined);
  }
}

async function assertNoInjectedImage(wb: Workbench): Promise<void> {
  // Locators pierce shadow roots; frames are checked by the query step.
  const injected = await wb.page.locator('img[src="x"]').count();
  assert.equal(injected, 0, 'an <img src=x> element was created from data');
  assert.deepEqual(wb.dialogs, [], 'a JavaScript dialog opened');
}

export const steps: Step[] = [
  {
    name: 'tree: subscription › workspace › endpoint › deployment, labels from the scenario',
    slug: 'tree',
    timeoutMs: 120_000,
    async run({ wb }) {
      const { sub, ws, ep, dep } = appInsightsTarget();
      await expandTo(wb, { sub, ws, ep });
      const row = wb.treeRow(dep.name).first();
      await row.waitFor({ state: 'visible', timeout: 30_000 });
      // Every subscription of the scenario is a root of the tree; every workspace of the expanded one shows.
      for (const s of scenario().subscriptions)
        await wb.treeRow(s.displayName).first().waitFor({ timeout: 10_000 });
      for (const w of sub.workspaces) await wb.treeRow(w.name).first().waitFor({ timeout: 10_000 });
      for (const e of ws.endpoints) await wb.treeRow(e.name).first().waitFor({ timeout: 10_000 });
      for (const d of ep.deployments) await wb.treeRow(d.name).first().waitFor({ timeout: 10_000 });
      const description = await wb.rowDescription(row);
      assert.match(description, /App Insights off/, `deployment ${dep.name} shows "${description}"`);
    },
  },
  {
    name: 'tree: a name holding <img src=x onerror=…> shows as text and runs nothing',
    slug: 'markup',
    async run({ wb }, shot) {
      for (const [i, holder] of markupHolders().entries()) {
        await expandTo(wb, { sub: holder.sub, ws: holder.ws });
        const row = wb.treeRow(holder.ep ? holder.ep.name : holder.ws.name).first();
        await row.waitFor({ state: 'visible', timeout: 30_000 });
        if (!holder.ep) {
          // A workspace's friendly name is part of its row's description.
          const description = await wb.rowDescription(row);
          assert.ok(
            description.includes(holder.text),
            `workspace row reads "${description}", expected it to contain ${holder.text}`,
          );
        }
        // The tooltip (a plain-text hover) shows the whole text.
        await row.hover();
        const hover = wb.page
          .locator('.monaco-hover, .workbench-hover')
          .filter({ hasText: holder.text })
          .first();
        await hover.waitFor({ state: 'visible', timeout: 10_000 });
        await wb.screenshot(`${shot}-hover-${i + 1}`);
        await assertNoInjectedImage(wb);
        await wb.page.mouse.move(700, 5);
        await wb.escape(1);
      }
    },
  },
  {
    name: 'Enable Application Insights: confirm, Updating, then on; exactly one PUT changing only the flag',
    slug: 'app-insights',
    timeoutMs: 120_000,
    async run({ wb, emu }, shot) {
      const { sub, ws, ep, dep } = appInsightsTarget();
      await expandTo(wb, { sub, ws, ep });
      const depPath = armPath(sub, ws, ep, dep);
      const before = await armGet(emu, depPath);
      const requestsBefore = emu.requests.length;

      await contextMenu(wb, dep.name, 'Enable Application Insights');
      const dialogText = await wb.confirmDialog(/^Enable$/);
      assert.match(dialogText, new RegExp(`Enable Application Insights on .*${dep.name}`));
      const row = wb.treeRow(dep.name).first();
      await waitUntil(
        'the deployment to show Updating…',
        async () => ((await wb.rowDescription(row)).includes('Updating') ? true : undefined),
        15_000,
        100,
      );
      await wb.screenshot(`${shot}-updating`);
      await waitUntil(
        'the deployment to show App Insights on',
        async () => (/App Insights on/.test(await wb.rowDescription(row)) ? true : undefined),
        60_000,
      );

      const puts = emu.requests
        .slice(requestsBefore)
        .filter((r) => r.method === 'PUT' && r.path.toLowerCase().startsWith(depPath.toLowerCase()));
      assert.equal(puts.length, 1, `expected exactly one PUT to ${depPath}, saw ${puts.length}`);
      const body = (
        typeof puts[0]!.body === 'string' ? JSON.parse(puts[0]!.body) : puts[0]!.body
      ) as ArmResource;
      assert.equal(body.properties?.appInsightsEnabled, true, 'the PUT turns appInsightsEnabled on');
      assertOnlyFlagChanged(before, body);
    },
  },
  {
    name: 'Stream Logs: the output channel grows with the emulator log; Stop Log Stream',
    slug: 'logs',
    timeoutMs: 120_000,
    async run({ wb, emu }, shot) {
      const { sub, ws, ep, dep } = queryTarget();
      await expandTo(wb, { sub, ws, ep });
      await contextMenu(wb, dep.name, 'Stream Logs');
      // The container is asked with a quick pick when the deployment has more than one.
      const picked = await wb
        .pick(/inference/i, 5_000)
        .then(() => true)
        .catch(() => false);
      const truth = (): Promise<string[]> => logGroundTruth(emu, { sub, ws, ep, dep });
      // The Output editor wraps long lines and renders only what is in view (it follows the end):
      // compare without whitespace, so a wrapped line still matches its ground-truth line.
      const visible = async (): Promise<Set<string>> => {
        const text = squash(await wb.outputText());
        return new Set((await truth()).filter((l) => l.length >= 12 && text.includes(squash(l))));
      };
      const first = await waitUntil(
        'log lines from the emulator in the Output panel',
        async () => {
          const seen = await visible();
          return seen.size >= 2 ? seen : undefined;
        },
        30_000,
        500,
      );
      await wb.screenshot(`${shot}-first`);
      // The emulator appends a line every 500 ms; the stream polls every second.
      const grown = await waitUntil(
        'new log lines in the Output panel',
        async () => {
          const fresh = [...(await visible())].filter((l) => !first.has(l));
          return fresh.length >= 2 ? fresh : undefined;
        },
        30_000,
        500,
      );
      assert.ok(grown.length >= 2, `picked a container: ${picked}`);

      await contextMenu(wb, dep.name, 'Stop Log Stream');
      // Stopped: the node offers Stream Logs again, and the channel stops growing.
      await waitUntil(
        'the node to offer Stream Logs again',
        async () => ((await contextMenuEntries(wb, dep.name)).includes('Stream Logs') ? true : undefined),
        20_000,
        1000,
      );
      const atStop = await visible();
      await new Promise((r) => setTimeout(r, 3500));
      const late = [...(await visible())].filter((l) => !atStop.has(l));
      assert.deepEqual(late, [], 'lines kept arriving after Stop Log Stream');
    },
  },
  {
    name: 'Trace query panel: run the query, read the grid; markup in a cell stays text',
    slug: 'query',
    timeoutMs: 120_000,
    async run({ wb }, shot) {
      const { sub, ws, ep, dep } = queryTarget();
      await expandTo(wb, { sub, ws, ep });
      await contextMenu(wb, dep.name, 'Open Trace Query');
      const frame = wb.webview();
      const editor = frame.locator('textarea.query').first();
      await editor.waitFor({ state: 'visible', timeout: 30_000 });
      // The scope of the ready queries, found in the data, is shown above the editor.
      const scopeBar = frame.locator('.scope-bar').first();
      const scopeState = await waitUntil(
        'the scope of the ready queries',
        async () => {
          const state = await scopeBar.getAttribute('data-state');
          return state && state !== 'discovering' ? state : undefined;
        },
        30_000,
        500,
      );
      assert.equal(scopeState, 'scoped', await scopeBar.innerText());
      await editor.fill('traces | where customDimensions contains "input" | limit 10');
      await frame.locator('button.run').first().click();
      const cells = frame.locator('[role="grid"] [role="gridcell"]');
      await cells.first().waitFor({ state: 'visible', timeout: 30_000 });
      const rows = await frame.locator('[role="grid"] [role="row"]').count();
      assert.ok(rows >= 2, `the grid shows ${rows} rows (header included)`);
      // The scenario's hostile trace may not be among the first ten: ask for it by name if needed.
      const markupCell = frame.locator('[role="grid"] [role="gridcell"]', { hasText: '<img src=x' }).first();
      await wb.screenshot(`${shot}-document-query`);
      if (!(await markupCell.isVisible())) {
        // The current inference server prints into message, the older one into customDimensions.
        await editor.fill(
          'traces | where message contains "onerror" or customDimensions contains "onerror" | limit 10',
        );
        await frame.locator('button.run').first().click();
      }
      await markupCell.waitFor({ state: 'visible', timeout: 30_000 });
      assert.match(await markupCell.innerText(), /<img src=x onerror=/);
      const imgs = await frame.locator('img[src="x"]').count();
      assert.equal(imgs, 0, 'the webview created an <img src=x> from a cell');
      // The grid in view (the chart above it takes the panel's height), then the picture for the README:
      // tree, query panel and the log stream's channel.
      const chartToggle = frame.locator('button.chart-toggle').first();
      if ((await chartToggle.isVisible()) && /hide/i.test(await chartToggle.innerText()))
        await chartToggle.click();
      await markupCell.scrollIntoViewIfNeeded();
      await wb.screenshot(`${shot}-grid`);
      await wb.screenshot('overview');
      await assertNoInjectedImage(wb);
    },
  },
  {
    name: 'Scaffold score.py into the open folder: it has init() and run() and compiles',
    slug: 'scaffold',
    async run({ wb, cs }, shot) {
      await wb.runCommand(`${CATEGORY}: Scaffold Scoring File (score.py)`);
      // Each question the command asks, in order, answered as a user would; anything else fails.
      const expectPick = async (question: RegExp, choice: string): Promise<void> => {
        await wb.quickInput.locator('input').first().waitFor({ state: 'visible', timeout: 20_000 });
        await waitUntil(
          `the question ${String(question)}`,
          async () =>
            question.test((await wb.quickInput.locator('input').first().getAttribute('placeholder')) ?? '') ||
            undefined,
          20_000,
        );
        await wb.screenshot(`${shot}-pick`);
        await wb.pick(choice);
      };
      await expectPick(/framework/i, 'scikit-learn');
      await expectPick(/where does the model run/i, 'Managed online endpoint');
      await expectPick(/traces/i, 'Print JSON to stdout');
      // The model file: an input box with the framework's usual file name; accept it.
      await waitUntil(
        'the model file question',
        async () => /model file/i.test(await wb.quickInput.innerText()) || undefined,
        20_000,
      );
      assert.equal(await wb.quickInput.locator('input').first().inputValue(), 'model.pkl');
      await wb.quickInput.locator('input').first().press('Enter');
      await expectPick(/sample request/i, 'score.py only');
      // One workspace folder: no folder question, no overwrite question; the file is written.
      const file = await waitUntil('score.py in the workspace folder', () =>
        Promise.resolve(findFile(cs.folder, 'score.py')),
      );
      assert.equal(await wb.page.locator('.monaco-dialog-box').count(), 0, 'an unexpected dialog is open');
      assert.equal(await wb.quickInput.isVisible(), false, 'an unexpected question is open');
      const text = readFileSync(file, 'utf8');
      assert.match(text, /^def init\(/m);
      assert.match(text, /^def run\(/m);
      execFileSync('python3', ['-m', 'py_compile', file], { stdio: 'pipe' });
      // The editor opens it for the user.
      await wb.page
        .locator('.tabs-container .tab', { hasText: 'score.py' })
        .first()
        .waitFor({ timeout: 15_000 });
    },
  },
  {
    name: 'Send Test Request from an endpoint: the answer document shows the status the emulator answered',
    slug: 'test-request',
    async run(ctx, shot) {
      const { sub, ws, ep } = deploymentNamed('credit-risk', 'blue');
      await expandTo(ctx.wb, { sub, ws });
      // Two deployments: the pin question comes first; the endpoint's traffic decides.
      const { record } = await sendTestRequest(ctx, ep.name, 'By the endpoint traffic');
      await ctx.wb.screenshot(`${shot}-answer`);
      assert.equal(record.authorized, true);
      assert.equal(record.status, 200);
    },
  },
  {
    name: 'Trace This Request from the answer: the timeline received → model → answered carries its ids',
    slug: 'trace',
    timeoutMs: 120_000,
    async run(ctx, shot) {
      const { wb, emu } = ctx;
      // The workspace's App Insights is workspace-based: the traffic log and the requests table
      // both hold the request. Telemetry shows at once, so the first look finds it.
      emu.telemetry.ingestionDelayMs = 0;
      const { sub, ws, ep, dep } = deploymentNamed('credit-risk', 'blue');
      await expandTo(wb, { sub, ws, ep });
      await wb.joinEditorGroups();
      const { record } = await sendTestRequest(ctx, dep.name);
      assert.equal(record.deployment, dep.name, 'a request sent from a deployment is pinned to it');
      await wb.editorAction('Trace This Request');
      await wb.editorText(/Trace of a request to credit-risk/);
      await wb.screenshot(`${shot}-timeline`);
      const text = (await wb.editorLines()).join('\n');
      assert.match(text, new RegExp(`x-request-id: ${escapeRegExp(record.requestId)}`));
      assert.match(text, new RegExp(`x-ms-client-request-id: ${escapeRegExp(record.clientRequestId)}`));
      // The steps in order, each under its own heading line: received, then the model, then the answer.
      const kinds = [...text.matchAll(/· \*\*(\w+)\*\*/g)].map((m) => m[1]);
      const at = (kind: string) => kinds.indexOf(kind);
      assert.ok(at('received') >= 0, `the timeline has no received step: ${kinds.join(', ')}`);
      assert.ok(
        at('received') < at('model') && at('model') < kinds.lastIndexOf('answered'),
        kinds.join(', '),
      );
      assert.match(text, new RegExp(`Answered ${record.status}: \\d+ ms in total`));
      assert.match(text, new RegExp(`Received by the endpoint \\(deployment ${dep.name}\\)`));
    },
  },
  {
    name: 'Show Metrics for a deployment, then its endpoint: the emulator\'s series, "No data" where none, blue and green side by side',
    slug: 'metrics',
    timeoutMs: 120_000,
    async run({ wb, emu }, shot) {
      const { sub, ws, ep, dep } = deploymentNamed('credit-risk', 'blue');
      await expandTo(wb, { sub, ws, ep });
      const before = emu.requests.length;
      await contextMenu(wb, dep.name, 'Show Metrics');
      const page = await wb.webviewWith('body[data-state="done"] section.card[data-panel="latency"]', 60_000);
      await page.locator('.heading', { hasText: `${ep.name}/${dep.name}` }).waitFor({ timeout: 10_000 });
      // Latency: a drawn chart whose legend names the four percentiles the emulator serves.
      const latency = page.locator('section.card[data-panel="latency"]').first();
      await latency.locator('.title', { hasText: 'Request latency (ms)' }).waitFor({ timeout: 10_000 });
      await latency.locator('canvas').first().waitFor({ timeout: 10_000 });
      const legend = (await latency.locator('.u-legend .u-series .u-label').allInnerTexts()).map((l) =>
        l.trim(),
      );
      for (const p of ['P50', 'P90', 'P95', 'P99'])
        assert.ok(legend.includes(p), `latency legend: ${legend.join(', ')}`);
      // Requests split by the envoy response code: this healthy deployment answers 200s.
      const requests = page.locator('section.card[data-panel="requests"]').first();
      await requests
        .locator('.u-legend .u-label', { hasText: /^\s*200\s*$/ })
        .first()
        .waitFor({ timeout: 10_000 });
      // Hovering the chart reads its values into the legend, in the metric's unit.
      await latency.locator('.u-over').first().hover();
      await latency
        .locator('.u-legend .u-series', { hasText: 'P95' })
        .locator('.u-value', { hasText: /\d\s*ms/ })
        .first()
        .waitFor({ timeout: 10_000 });
      // A CPU instance type emits no GPU metrics: said as "No data", never drawn as zeros.
      const gpu = page.locator('section.card[data-panel="gpu"]').first();
      await gpu.locator('.no-data', { hasText: 'No data' }).waitFor({ timeout: 10_000 });
      assert.equal(await gpu.locator('canvas').count(), 0, 'the GPU card draws a chart of nothing');
      await wb.screenshot(`${shot}-charts`);
      const depPath = armPath(sub, ws, ep, dep).toLowerCase();
      const asked = emu.requests
        .slice(before)
        .filter((r) => r.path.toLowerCase() === `${depPath}/providers/microsoft.insights/metrics`);
      assert.ok(asked.length > 0, "the view asked Azure Monitor for the deployment's metrics");
      assert.ok(
        asked.every((r) => r.status === 200),
        `metrics answers: ${asked.map((r) => r.status).join(', ')}`,
      );

      // The endpoint's view: its deployments side by side, the main one (by traffic) on the left.
      await contextMenu(wb, ep.name, 'Show Metrics');
      const endpointPage = await wb.webviewWith(
        'body[data-state="done"] .row[data-panel="latency"] > section.card:nth-child(2)',
        60_000,
      );
      const titles = (
        await endpointPage.locator('.row[data-panel="latency"] > section.card .title').allInnerTexts()
      ).map((t) => t.trim());
      const byTraffic = Object.entries(ep.traffic)
        .sort((a, b) => b[1] - a[1])
        .map(([name]) => `Request latency (ms) · ${name}`);
      assert.deepEqual(titles, byTraffic);
      await endpointPage
        .locator('.row[data-panel="latency"] > section.card')
        .last()
        .locator('canvas')
        .first()
        .waitFor({ timeout: 10_000 });
      await wb.screenshot(`${shot}-endpoint`);
    },
  },
  {
    name: 'Diagnose Deployment: a failing deployment gets its failure class as the verdict, a healthy one the short report',
    slug: 'diagnose',
    timeoutMs: 120_000,
    async run({ wb }, shot) {
      // The scenario's deployment whose init() raises: the guide's "init() exception" class.
      const failing = allDeployments().find((p) => p.dep.health === 'initError');
      assert.ok(failing, 'the default scenario has no deployment whose init() fails');
      await expandTo(wb, failing);
      await wb.joinEditorGroups();
      await contextMenu(wb, failing.dep.name, 'Diagnose Deployment');
      const report = unescapeMarkdown(await wb.editorText(/Verdict: /, 60_000));
      await wb.screenshot(`${shot}-failing`);
      assert.match(report, new RegExp(`Diagnosis of ${failing.ep.name}/${failing.dep.name}`));
      assert.match(report, /Verdict: init\(\) in score\.py raised an exception/);
      assert.match(report, /## 1\. init/, 'the finding follows the verdict');

      const healthyOne = deploymentNamed('credit-risk', 'blue');
      await expandTo(wb, healthyOne);
      await contextMenu(wb, healthyOne.dep.name, 'Diagnose Deployment');
      const short = unescapeMarkdown(await wb.editorText(/Healthy: nothing matches a failure class/, 60_000));
      await wb.screenshot(`${shot}-healthy`);
      assert.match(short, new RegExp(`Diagnosis of ${healthyOne.ep.name}/${healthyOne.dep.name}`));
      assert.doesNotMatch(short, /Verdict:|## 1\./, 'a healthy deployment gets no findings');
      assert.match(short, /What was checked/);
    },
  },
  {
    name: 'Load Probe: answer the questions and the confirmation; the report gives p50/p95/p99 and the status counts',
    slug: 'load-probe',
    timeoutMs: 120_000,
    async run({ wb, cs, emu }, shot) {
      const { sub, ws, ep, dep } = deploymentNamed('credit-risk', 'blue');
      ensureProbeRequest(cs);
      await expandTo(wb, { sub, ws, ep });
      await wb.joinEditorGroups();
      const before = emu.scoring.records.length;
      await contextMenu(wb, dep.name, 'Load Probe…');
      await wb.answerPick('Send Test Request: Request Body', PROBE_FILE);
      await wb.answerInput('Load Probe: Requests', '6');
      await wb.answerInput('Load Probe: Concurrency', '2');
      const question = await wb.confirmDialog('Send Requests');
      assert.match(question, new RegExp(`Send 6 requests at concurrency 2 to ${ep.name} › ${dep.name}\\?`));
      assert.match(question, /billed/);
      const report = await wb.editorText(/Load probe of credit-risk › blue/, 60_000);
      await wb.screenshot(`${shot}-report`);
      const sent = emu.scoring.records.slice(before).filter((r) => r.clientRequestId.startsWith('probe-'));
      assert.equal(sent.length, 6, 'the emulator answered six probe requests');
      assert.ok(sent.every((r) => r.deployment === dep.name && r.pinned && r.authorized));
      assert.match(report, /6 of 6 requests sent at concurrency 2\./);
      assert.match(report, /\| \| Answers \| p50 \| p95 \| p99 \|/);
      assert.match(report, /\| All answers \| 6 \| \d+ ms \| \d+ ms \| \d+ ms \|/);
      // The counts per status are the emulator's own.
      const counts = new Map<number, number>();
      for (const r of sent) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
      for (const [status, count] of counts) assert.match(report, new RegExp(`- HTTP ${status}: ${count}`));
    },
  },
  {
    name: "tree at a glance: a deployment row shows the last hour's p95, requests per minute and 5xx share the emulator's metrics give",
    slug: 'glance',
    timeoutMs: 120_000,
    async run({ wb, emu }, shot) {
      const { sub, ws, ep, dep } = deploymentNamed('credit-risk', 'blue');
      await expandTo(wb, { sub, ws, ep });
      const row = wb.treeRow(dep.name).first();
      await row.waitFor({ state: 'visible', timeout: 30_000 });
      const depPath = armPath(sub, ws, ep, dep);
      // The row shows the figures of the tree's latest read (they are read again when stale): each
      // look compares with the answers the emulator gave that read, replayed at the time it was asked.
      const { description, expected } = await waitUntil(
        "the deployment row to show the emulator's last-hour figures",
        async () => {
          const expected = lastGlanceText(emu, depPath);
          const description = await wb.rowDescription(row);
          return expected && description.endsWith(` · ${expected}`) ? { description, expected } : undefined;
        },
        60_000,
        500,
      );
      await wb.screenshot(`${shot}-row`);
      assert.match(expected, /^p95 \S.* · \S+\/min · 5xx \S+%$/, `the emulator's figures: ${expected}`);
      // The tooltip says what the figures are.
      await row.hover();
      await wb.page
        .locator('.monaco-hover, .workbench-hover')
        .filter({ hasText: `Last hour: ${expected}` })
        .first()
        .waitFor({ state: 'visible', timeout: 10_000 });
      await wb.screenshot(`${shot}-tooltip`);
      await wb.page.mouse.move(700, 5);
      assert.ok(description.includes('App Insights'), description);
    },
  },
  {
    name: 'Send Endpoint Logs to Log Analytics: pick the workspace, confirm the billing; one PUT with the three categories, none on a second run',
    slug: 'diagnostic-setting',
    timeoutMs: 120_000,
    async run({ wb, emu }, shot) {
      const { sub, ws, ep } = endpointWithoutDiagnosticSetting();
      const la = emu.azure.workspace(sub.subscriptionId, ws.resourceGroup, ws.name)?.logAnalyticsId;
      assert.ok(la, `${ws.name} has no Log Analytics workspace behind its Application Insights`);
      const laName = la.split('/').pop() ?? la;
      await expandTo(wb, { sub, ws });
      const settingsPath = `${armPath(sub, ws, ep).toLowerCase()}/providers/microsoft.insights/diagnosticsettings/`;
      const puts = (from: number) =>
        emu.requests
          .slice(from)
          .filter((r) => r.method === 'PUT' && r.path.toLowerCase().startsWith(settingsPath));
      const before = emu.requests.length;

      await contextMenu(wb, ep.name, 'Send Endpoint Logs to Log Analytics');
      // The workspace offered first is the one the workspace's Application Insights sends to.
      await wb.answerPick('Send Endpoint Logs to Log Analytics', laName);
      const question = await wb.confirmDialog('Create Diagnostic Setting');
      assert.match(
        question,
        new RegExp(`Send the logs of ${escapeRegExp(ep.name)} to ${escapeRegExp(laName)}\\?`),
      );
      assert.match(question, /bills the ingestion and retention/);
      const done = await wb.notification(`The endpoint ${ep.name} now sends`);
      await wb.screenshot(`${shot}-created`);
      for (const c of LOG_CATEGORIES) assert.ok(done.includes(c), done);
      const sent = puts(before);
      assert.equal(sent.length, 1, `expected one diagnostic setting PUT, saw ${sent.length}`);
      assert.equal(sent[0]!.status, 200, `the emulator answered the PUT ${sent[0]!.status}`);
      // The record holds the body as parsed once the route has read it.
      const raw = sent[0]!.body;
      const body = (typeof raw === 'string' ? JSON.parse(raw) : raw) as {
        properties?: { workspaceId?: string; logs?: { category?: string; enabled?: boolean }[] };
      };
      assert.equal(body.properties?.workspaceId?.toLowerCase(), la.toLowerCase());
      assert.deepEqual(
        (body.properties?.logs ?? [])
          .filter((l) => l.enabled === true)
          .map((l) => l.category)
          .sort(),
        [...LOG_CATEGORIES].sort(),
      );

      // Again: the setting exists, so nothing is asked and nothing is sent.
      const again = emu.requests.length;
      await contextMenu(wb, ep.name, 'Send Endpoint Logs to Log Analytics');
      const exists = await wb.notification(`The endpoint ${ep.name} already sends its logs to Log Analytics`);
      await wb.screenshot(`${shot}-exists`);
      assert.match(exists, new RegExp(escapeRegExp(laName)));
      assert.equal(puts(again).length, 0, 'a second run sent a PUT');
      assert.ok(
        emu.requests
          .slice(again)
          .some((r) => r.method === 'GET' && r.path.toLowerCase() === settingsPath.slice(0, -1)),
        'the second run read the settings before saying so',
      );
      assert.equal(puts(before).length, 1, 'exactly one diagnostic setting PUT in all');
    },
  },
  {
    name: 'Test Request History: resend an entry; a second answer document, and the emulator saw the same body again',
    slug: 'history',
    timeoutMs: 120_000,
    async run(ctx, shot) {
      const { wb, emu } = ctx;
      const { sub, ws, ep, dep } = deploymentNamed('credit-risk', 'blue');
      await expandTo(wb, { sub, ws, ep });
      await wb.joinEditorGroups();
      const { record: first } = await sendTestRequest(ctx, dep.name);
      const before = emu.scoring.records.length;
      await contextMenu(wb, ep.name, 'Test Request History');
      // Entries name their request id: pick the one just sent.
      await wb.answerPick('Test Request History', first.requestId);
      const second = await waitUntil('the emulator to answer the resent request', () =>
        Promise.resolve(emu.scoring.records.slice(before).find((r) => r.status !== 0)),
      );
      const answer = await wb.editorText(new RegExp(escapeRegExp(second.requestId)));
      await wb.screenshot(`${shot}-resent`);
      assert.notEqual(second.requestId, first.requestId, 'the resent request has an id of its own');
      assert.match(answer, new RegExp(`^# ${escapeRegExp(second.endpoint)} · ${second.status} · `, 'm'));
      assert.equal(emu.scoring.records.length - before, 1, 'one request resent');
      assert.equal(second.bodySha256, first.bodySha256, 'the resent request carries the same body');
      assert.equal(second.deployment, first.deployment, 'the resent request goes to the same deployment');
      assert.equal(second.pinned, first.pinned);
      assert.equal(second.status, 200);
    },
  },
  {
    name: "integration suites inside code-server's extension host",
    slug: 'extension-host',
    timeoutMs: 300_000,
    async run({ wb, artifacts, hostResultsPath }) {
      await wb.runCommand('AML Monitor E2E: Run Integration Suites in This Extension Host');
      const result = await waitUntil(
        'the in-host integration run to finish',
        () =>
          Promise.resolve(
            existsSync(hostResultsPath)
              ? (JSON.parse(readFileSync(hostResultsPath, 'utf8')) as HostRunResult)
              : undefined,
          ),
        280_000,
        1000,
      );
      writeFileSync(join(artifacts, 'extension-host-integration.txt'), result.output);
      console.log(
        `  in the extension host: ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped of ${result.expected} listed, skipped suites: ${result.skippedSuites.join(', ') || 'none'} (output in .e2e-artifacts/extension-host-integration.txt)`,
      );
      assert.equal(
        result.failed,
        0,
        `integration tests failed inside the extension host:\n${result.output.slice(-3000)}`,
      );
      // Every test the suites list ends passed or (reported) skipped: none lost, none counted twice.
      assert.deepEqual(result.unfinished, [], 'tests that never finished inside the extension host');
      assert.equal(result.passed + result.skipped, result.expected, 'passed + skipped = listed');
      assert.ok(result.passed > 1, 'no integration test ran inside the extension host');
    },
  },
];

// ---- helpers that read the emulator ----

interface ArmResource {
  properties?: Record<string, unknown> & { appInsightsEnabled?: boolean };
  [key: string]: unknown;
}

async function armGet(emu: Emulator, path: string): Promise<ArmResource> {
  const before = emu.requests.length;
  // The suite's own read is not the extension's: take it back out of the record afterwards.
  const res = await httpsGet(
    `${emu.url}${path}?api-version=2022-10-01`,
    emu.token,
    readFileSync(emu.caPath, 'utf8'),
  );
  emu.requests.splice(before);
  return JSON.parse(res) as ArmResource;
}

async function httpsGet(url: string, token: string, ca: string): Promise<string> {
  const https = await import('node:https');
  return new Promise((done, fail) => {
    https
      .get(url, { ca, headers: { authorization: `Bearer ${token}` } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () =>
          res.statusCode === 200 ? done(body) : fail(new Error(`GET ${url}: ${res.statusCode} ${body}`)),
        );
      })
      .on('error', fail);
  });
}

// Fields Azure computes: the SDK leaves them out of a PUT body (they are read-only).
const READ_ONLY = new Set(['id', 'name', 'type', 'systemData', 'properties.provisioningState']);

/** The PUT carries every writable field of the GET, unchanged, apart from appInsightsEnabled. */
function assertOnlyFlagChanged(get: ArmResource, put: ArmResource): void {
  const flatten = (o: unknown, prefix = ''): Map<string, string> => {
    const out = new Map<string, string>();
    if (o && typeof o === 'object' && !Array.isArray(o) && (prefix === '' || prefix === 'properties.')) {
      for (const [k, v] of Object.entries(o))
        for (const [kk, vv] of flatten(v, `${prefix}${k}.`)) out.set(kk, vv);
    } else {
      out.set(prefix.slice(0, -1), canonicalJson(o));
    }
    return out;
  };
  const g = flatten(get);
  const p = flatten(put);
  const diffs: string[] = [];
  for (const [k, v] of g) {
    if (k === 'properties.appInsightsEnabled' || READ_ONLY.has(k)) continue;
    if (p.get(k) !== v) diffs.push(`${k}: GET ${v} → PUT ${String(p.get(k))}`);
  }
  for (const k of p.keys())
    if (!g.has(k) && k !== 'properties.appInsightsEnabled') diffs.push(`${k}: not in the GET`);
  assert.deepEqual(diffs, [], 'the PUT changed more than appInsightsEnabled');
}

/**
 * The at-a-glance text of the tree's latest figures read for a deployment: the emulator's two
 * answers to it (p95 latency; requests per minute by envoy response code) replayed at the time
 * each was asked, shaped as the tree shapes them. Undefined until the tree has read them.
 */
function lastGlanceText(emu: Emulator, deploymentPath: string): string | undefined {
  const metricsPath = `${deploymentPath.toLowerCase()}/providers/microsoft.insights/metrics`;
  const reads = emu.requests.filter(
    (r) => r.method === 'GET' && r.path.toLowerCase() === metricsPath && r.outcome === 'answered',
  );
  const latency = reads.findLast((r) => r.query.metricnames === 'RequestLatency_P95');
  const requests =
    latency &&
    reads.findLast(
      (r) => r.query.metricnames === 'RequestsPerMinute' && r.query.timespan === latency.query.timespan,
    );
  if (!latency || !requests || latency.status !== 200 || requests.status !== 200) return undefined;
  const state = createMonitorState(emu.azure);
  const replay = (r: (typeof reads)[number]) => {
    const answer = monitorRoute(
      emu.azure,
      state,
      'GET',
      r.path.split('/').filter(Boolean),
      r.query,
      undefined,
      () => new Date(r.time),
    );
    assert.equal(answer?.status, 200, `replaying ${r.path}?${JSON.stringify(r.query)}`);
    return toMetricsAnswer(
      answer.body as Parameters<typeof toMetricsAnswer>[0],
      r.query.aggregation ?? 'Average',
    );
  };
  const glance = glanceOf({ metrics: [...replay(latency).metrics, ...replay(requests).metrics] });
  return glanceText(glance, {
    p95: (d) => `p95 ${d}`,
    perMinute: (n) => `${n}/min`,
    serverErrors: (p) => `5xx ${p}%`,
    lastHour: 'Last hour',
    noData: 'no metrics data',
  });
}

async function logGroundTruth(emu: Emulator, p: DeploymentPath): Promise<string[]> {
  const { deploymentLogKey } = await import('../emulator/index');
  const key = deploymentLogKey({
    subscriptionId: p.sub.subscriptionId,
    workspaceName: p.ws.name,
    endpointName: p.ep.name,
    deploymentName: p.dep.name,
  });
  return emu.logs
    .groundTruth(key)
    .map((l) => l.trim())
    .filter(Boolean);
}

/** JSON with object keys sorted, so that equal values compare equal whatever their key order. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

/** Markdown source as read: the reports escape punctuation in names and sentences. */
function unescapeMarkdown(text: string): string {
  return text.replace(/\\([\\`*_{}[\]()#+\-.!|<>~])/g, '$1');
}

/** Text without any whitespace (the editor renders spaces as U+00A0 and wraps long lines). */
function squash(text: string): string {
  return text.replace(/[\s\u00a0]+/g, '');
}

function findFile(dir: string, name: string): string | undefined {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (entry === name && existsSync(path)) return path;
    if (statSync(path).isDirectory() && !entry.startsWith('.')) {
      const found = findFile(path, name);
      if (found) return found;
    }
  }
  return undefined;
}
