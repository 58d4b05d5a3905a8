// Sends test requests and keeps what came back: the per-endpoint history (workspace state, no
// secrets) and the answer documents of this window (memory, read-only `amlmonitor-answer:` URIs).
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { ScoringAnswer, ScoringSendOptions } from '../azure/api';
import { isAzureRequestError } from '../azure/errors';
import type { Endpoint } from '../azure/models';
import { interpretAnswer } from '../core/scoring';
import {
  keptSource,
  pushHistory,
  validEntries,
  type HistoryEntry,
  type RequestSource,
} from '../core/testRequestHistory';
import type { BaseServices } from '../services';
import { renderAnswer } from './render';

export const ANSWER_SCHEME = 'amlmonitor-answer';
const HISTORY_KEY = 'amlMonitor.testRequestHistory';

export interface SentRequest {
  entry: HistoryEntry;
  answer: ScoringAnswer;
  uri: vscode.Uri;
}

export class TestRequestService implements vscode.Disposable {
  private readonly answers = new Map<string, { entry: HistoryEntry; text: string }>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly history = new vscode.EventEmitter<void>();
  readonly onDidChangeHistory = this.history.event;

  constructor(private readonly s: BaseServices) {}

  register(): vscode.Disposable {
    return vscode.workspace.registerTextDocumentContentProvider(ANSWER_SCHEME, {
      onDidChange: this.changed.event,
      provideTextDocumentContent: (uri) =>
        this.answers.get(answerIdOf(uri))?.text ??
        vscode.l10n.t(
          'This answer was shown in an earlier window and is not kept. Resend the request from the test request history.',
        ),
    });
  }

  entries(endpointId?: string): HistoryEntry[] {
    const all = validEntries(this.s.context.workspaceState.get<unknown>(HISTORY_KEY));
    return endpointId ? all.filter((e) => e.endpointId === endpointId.toLowerCase()) : all;
  }

  /** The history entry an answer document shows. */
  entryOf(uri: vscode.Uri): HistoryEntry | undefined {
    const id = answerIdOf(uri);
    return this.answers.get(id)?.entry ?? this.entries().find((e) => e.id === id);
  }

  answerUri(entry: HistoryEntry): vscode.Uri {
    return vscode.Uri.from({
      scheme: ANSWER_SCHEME,
      path: `/${entry.endpoint.endpointName}/${entry.id}.md`,
    });
  }

  hasAnswer(entry: HistoryEntry): boolean {
    return this.answers.has(entry.id);
  }

  /** The request body of a source: files stream from disk, editor text is sent as it is. */
  async bodyOf(source: RequestSource): Promise<ScoringSendOptions['body']> {
    if (source.kind === 'text') {
      if (source.text === undefined)
        throw new Error(
          vscode.l10n.t(
            'The body of this request was too large to keep in the history; send it again from its editor.',
          ),
        );
      return new TextEncoder().encode(source.text);
    }
    const uri = vscode.Uri.parse(source.uri);
    if (uri.scheme === 'file') {
      const size = (await stat(uri.fsPath)).size;
      return { stream: () => createReadStream(uri.fsPath), length: size };
    }
    return vscode.workspace.fs.readFile(uri);
  }

  /**
   * Sends one test request to the endpoint's scoring URI with a fresh credential, records it in
   * the history and keeps its answer document. The session (and the key or token in it) ends here.
   */
  async send(
    endpoint: Endpoint,
    source: RequestSource,
    deployment: string | undefined,
    abortSignal?: AbortSignal,
  ): Promise<SentRequest> {
    const body = await this.bodyOf(source);
    const client = await this.s.azure.getClient({ createIfNone: true });
    const entry: HistoryEntry = {
      id: randomUUID(),
      endpointId: endpoint.armId.toLowerCase(),
      endpoint: {
        subscriptionId: endpoint.subscriptionId,
        resourceGroup: endpoint.resourceGroup,
        workspaceName: endpoint.workspaceName,
        endpointName: endpoint.endpointName,
      },
      ...(deployment ? { deployment } : {}),
      source: keptSource(source),
      sentAt: new Date().toISOString(),
      clientRequestId: randomUUID(),
    };
    try {
      const session = await client.openScoringSession(endpoint, abortSignal);
      const answer = await session.send({
        body,
        clientRequestId: entry.clientRequestId,
        ...(deployment ? { deployment } : {}),
        ...(abortSignal ? { abortSignal } : {}),
      });
      const facts = interpretAnswer(answer.headers);
      entry.status = answer.status;
      entry.totalMs = Math.round(answer.totalMs);
      if (facts.requestId) entry.requestId = facts.requestId;
      if (facts.servedBy) entry.servedBy = facts.servedBy;
      await this.record(entry);
      const uri = this.answerUri(entry);
      this.answers.set(entry.id, { entry, text: renderAnswer(entry, answer) });
      this.changed.fire(uri);
      this.s.log.info(
        `test request to ${endpoint.endpointName}: HTTP ${answer.status} in ${entry.totalMs} ms` +
          (facts.requestId ? ` (x-request-id ${facts.requestId})` : ''),
      );
      return { entry, answer, uri };
    } catch (e) {
      if (!(isAzureRequestError(e) && e.kind === 'cancelled')) {
        entry.failure = e instanceof Error ? e.message : String(e);
        await this.record(entry);
      }
      throw e;
    }
  }

  private async record(entry: HistoryEntry): Promise<void> {
    await this.s.context.workspaceState.update(HISTORY_KEY, pushHistory(this.entries(), entry));
    this.history.fire();
  }

  dispose(): void {
    this.changed.dispose();
    this.history.dispose();
    this.answers.clear();
  }
}

function answerIdOf(uri: vscode.Uri): string {
  return (uri.path.split('/').pop() ?? '').replace(/\.md$/, '');
}
