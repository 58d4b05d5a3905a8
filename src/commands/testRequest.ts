// Send Test Request and its history: pick a JSON body (the scaffold's sample-request.json, any
// .json of the workspace, the active editor or a file), optionally pin a deployment, send it to the
// endpoint's scoring URI and show the answer beside the request.
import * as vscode from 'vscode';
import type { Endpoint } from '../azure/models';
import { SAMPLE_REQUEST_FILE } from '../core/scaffold';
import type { HistoryEntry, RequestSource } from '../core/testRequestHistory';
import type { Services } from '../services';
import { targetOf } from '../targets';
import { ANSWER_SCHEME, type SentRequest } from '../testRequest/service';
import { lookUp, renderTrace } from '../testRequest/trace';
import { UserCancelledError, type UserInput } from '../ui';
import { endpointTargetOrPick } from './pickers';

/** Files above this size are sent without checking that they parse as JSON first. */
const VALIDATE_LIMIT_BYTES = 10 * 1024 * 1024;

interface SourceItem extends vscode.QuickPickItem {
  source?: RequestSource;
  browse?: true;
}

export async function pickSource(ui: UserInput): Promise<RequestSource> {
  const items: SourceItem[] = [];
  const editor = vscode.window.activeTextEditor;
  if (editor && editor.document.uri.scheme !== ANSWER_SCHEME) {
    const doc = editor.document;
    const label = vscode.workspace.asRelativePath(doc.uri, false);
    items.push({
      label,
      iconPath: new vscode.ThemeIcon('edit'),
      description: vscode.l10n.t('Active editor'),
      source:
        doc.uri.scheme === 'file' && !doc.isDirty
          ? { kind: 'file', uri: doc.uri.toString(), label }
          : { kind: 'text', label, text: doc.getText() },
    });
  }
  const exclude = '{**/node_modules/**,**/.git/**,**/dist/**,**/.vscode-test/**}';
  const [samples, others] = await Promise.all([
    vscode.workspace.findFiles(`**/${SAMPLE_REQUEST_FILE}`, exclude, 20),
    vscode.workspace.findFiles('**/*.json', exclude, 200),
  ]);
  const seen = new Set(items.map((i) => (i.source?.kind === 'file' ? i.source.uri : '')));
  const fileItem = (uri: vscode.Uri, description: string): SourceItem | undefined => {
    if (seen.has(uri.toString())) return undefined;
    seen.add(uri.toString());
    const label = vscode.workspace.asRelativePath(uri, false);
    return {
      label,
      iconPath: new vscode.ThemeIcon('json'),
      description,
      source: { kind: 'file', uri: uri.toString(), label },
    };
  };
  const sampleItems = samples.flatMap((u) => fileItem(u, vscode.l10n.t('Scaffolded sample request')) ?? []);
  const otherItems = others
    .filter(
      (u) =>
        !/(^|\/)(package(-lock)?|tsconfig|jsconfig|\.?eslintrc|settings|launch|tasks)\.json$/i.test(u.path),
    )
    .sort((a, b) => a.path.localeCompare(b.path))
    .flatMap((u) => fileItem(u, '') ?? []);
  if (sampleItems.length || otherItems.length)
    items.push({ label: vscode.l10n.t('Workspace'), kind: vscode.QuickPickItemKind.Separator });
  items.push(...sampleItems, ...otherItems);
  items.push({
    label: vscode.l10n.t('Choose a File…'),
    iconPath: new vscode.ThemeIcon('folder-opened'),
    browse: true,
  });

  const choice = await ui.pick(items, {
    title: vscode.l10n.t('Send Test Request: Request Body'),
    placeHolder: vscode.l10n.t('JSON to send to the scoring URI'),
    matchOnDescription: true,
  });
  if (choice.source) return choice.source;
  const [uri] = await ui.openDialog({
    canSelectMany: false,
    filters: { JSON: ['json'], [vscode.l10n.t('All files')]: ['*'] }, // l10n-ignore: JSON is a format name
    openLabel: vscode.l10n.t('Send'),
  });
  if (!uri) throw new UserCancelledError();
  return { kind: 'file', uri: uri.toString(), label: vscode.workspace.asRelativePath(uri, false) };
}

/** Warns before sending something that is not JSON; the user may still send it (a raw-HTTP score.py). */
export async function confirmJson(ui: UserInput, source: RequestSource): Promise<void> {
  let text: string | undefined;
  if (source.kind === 'text') text = source.text;
  else {
    const uri = vscode.Uri.parse(source.uri);
    const size = (await vscode.workspace.fs.stat(uri)).size;
    if (size > VALIDATE_LIMIT_BYTES) return;
    text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  }
  if (text === undefined) return;
  try {
    JSON.parse(text);
  } catch (e) {
    const send = await ui.confirm(
      vscode.l10n.t('{0} is not valid JSON. Send it anyway?', source.label),
      e instanceof Error ? e.message : String(e),
      vscode.l10n.t('Send Anyway'),
    );
    if (!send) throw new UserCancelledError();
  }
}

async function pickPin(s: Services, endpoint: Endpoint): Promise<string | undefined> {
  const client = await s.azure.getClient({ createIfNone: true });
  const deployments = await client.listDeployments(endpoint);
  if (deployments.length <= 1) return undefined;
  const traffic = Object.entries(endpoint.traffic)
    .filter(([, p]) => p > 0)
    .map(([name, p]) => `${name} ${p}%`)
    .join(' · ');
  const items: (vscode.QuickPickItem & { deployment?: string })[] = [
    {
      label: vscode.l10n.t('By the endpoint traffic'),
      iconPath: new vscode.ThemeIcon('split-horizontal'),
      description: traffic,
    },
    ...deployments.map((d) => ({
      label: d.deploymentName,
      description: `${endpoint.traffic[d.deploymentName] ?? 0}% · ${d.provisioningState}`,
      detail: vscode.l10n.t('Pinned with the azureml-model-deployment header'),
      deployment: d.deploymentName,
    })),
  ];
  const choice = await s.ui.pick(items, {
    title: vscode.l10n.t('Send Test Request: Deployment'),
    placeHolder: vscode.l10n.t('Which deployment answers'),
  });
  return choice.deployment;
}

async function sendAndShow(
  s: Services,
  endpoint: Endpoint,
  source: RequestSource,
  deployment: string | undefined,
): Promise<SentRequest> {
  const sent = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Sending {0} to {1}…', source.label, endpoint.endpointName),
      cancellable: true,
    },
    (_progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return s.testRequests.send(endpoint, source, deployment, abort.signal);
    },
  );
  const doc = await vscode.workspace.openTextDocument(sent.uri);
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false });
  return sent;
}

export function sendTestRequest(s: Services) {
  return async (node?: unknown): Promise<void> => {
    const chosen = await endpointTargetOrPick(s, node);
    const client = await s.azure.getClient({ createIfNone: true });
    // The tree's copy may be old: the scoring URI and auth mode are read again.
    const endpoint = await client.getEndpoint(chosen.endpoint);
    const deployment =
      chosen.kind === 'deployment' ? chosen.deployment.deploymentName : await pickPin(s, endpoint);
    const source = await pickSource(s.ui);
    await confirmJson(s.ui, source);
    await sendAndShow(s, endpoint, source, deployment);
  };
}

async function pickHistoryEntry(s: Services, endpointId?: string): Promise<HistoryEntry> {
  const entries = s.testRequests.entries(endpointId);
  if (entries.length === 0) {
    void s.ui.notify(
      'info',
      vscode.l10n.t('No test requests yet. Use Send Test Request on an endpoint or deployment.'),
    );
    throw new UserCancelledError();
  }
  const choice = await s.ui.pick(
    entries.map((e) => ({
      label: `${e.endpoint.endpointName}${e.deployment ? ` › ${e.deployment}` : ''} · ${
        e.status !== undefined ? `HTTP ${e.status}` : vscode.l10n.t('no answer')
      }`,
      description: e.source.label,
      detail: [
        new Date(e.sentAt).toLocaleString(),
        e.totalMs !== undefined ? `${e.totalMs} ms` : undefined,
        e.requestId,
      ]
        .filter(Boolean)
        .join(' · '),
      entry: e,
    })),
    {
      title: vscode.l10n.t('Test Request History'),
      placeHolder: vscode.l10n.t('Pick a request to send again'),
    },
  );
  if (!choice) throw new UserCancelledError();
  return choice.entry;
}

/** Sends a request of the history again, to the endpoint as Azure describes it now. */
export function resendTestRequest(s: Services) {
  return async (arg?: unknown): Promise<void> => {
    const entry =
      arg instanceof vscode.Uri ? s.testRequests.entryOf(arg) : await pickHistoryEntry(s, endpointIdOf(arg));
    if (!entry) throw new UserCancelledError();
    const client = await s.azure.getClient({ createIfNone: true });
    const endpoint = await client.getEndpoint(entry.endpoint);
    await sendAndShow(s, endpoint, entry.source, entry.deployment);
  };
}

export function testRequestHistory(s: Services) {
  return async (node?: unknown): Promise<void> => {
    const entry = await pickHistoryEntry(s, endpointIdOf(node));
    const client = await s.azure.getClient({ createIfNone: true });
    const endpoint = await client.getEndpoint(entry.endpoint);
    await sendAndShow(s, endpoint, entry.source, entry.deployment);
  };
}

function endpointIdOf(arg: unknown): string | undefined {
  const t = targetOf(arg);
  return t?.kind === 'endpoint' || t?.kind === 'deployment' ? t.endpoint.armId : undefined;
}

/** Finds a request (an answer document's, or an id the user pastes) in App Insights and Log Analytics. */
export function traceRequest(s: Services) {
  return async (arg?: unknown): Promise<void> => {
    let endpoint: HistoryEntry['endpoint'];
    let ids: { requestId?: string; clientRequestId?: string };
    const entry = arg instanceof vscode.Uri ? s.testRequests.entryOf(arg) : undefined;
    if (entry) {
      endpoint = entry.endpoint;
      ids = {
        ...(entry.requestId ? { requestId: entry.requestId } : {}),
        clientRequestId: entry.clientRequestId,
      };
    } else {
      const chosen = await endpointTargetOrPick(s, arg);
      endpoint = chosen.endpoint;
      const id = (
        await s.ui.input({
          title: vscode.l10n.t('Trace This Request'),
          prompt: vscode.l10n.t('x-request-id or x-ms-client-request-id of the request'),
          validateInput: (v) =>
            /^[A-Za-z0-9_-]{1,100}$/.test(v.trim())
              ? undefined
              : vscode.l10n.t('Letters, digits, - and _ only.'),
        })
      ).trim();
      ids = { requestId: id, clientRequestId: id };
    }
    const client = await s.azure.getClient({ createIfNone: true });
    const started = Date.now();
    const { found } = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Tracing the request in Application Insights and Log Analytics…'),
        cancellable: true,
      },
      (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return lookUp(client, endpoint, ids, {
          pollMs: 15_000,
          maxWaitMs: 5 * 60_000,
          abortSignal: abort.signal,
          onWaiting: (attempt) =>
            progress.report({
              message: vscode.l10n.t(
                'Not there yet: telemetry arrives minutes after the request. Looking again (attempt {0})…',
                String(attempt + 1),
              ),
            }),
        });
      },
    );
    const doc = await vscode.workspace.openTextDocument({
      language: 'markdown',
      content: renderTrace(endpoint.endpointName, ids, found, Date.now() - started),
    });
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false });
  };
}
