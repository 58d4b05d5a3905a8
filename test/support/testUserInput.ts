// The tests' UserInput (src/ui.ts), after the Azure extensions' TestUserInput: a test queues the
// answers it expects to give, in order; a question with no queued answer, or of another kind than
// the next answer, fails the test (it is recorded, and thrown into the code that asked), instead of
// hanging or being answered with whatever comes first. Notifications are not questions: they are
// recorded, and resolve to a queued click or to nothing.
import type * as vscode from 'vscode';
import { UserCancelledError, type Severity, type UserInput } from '../../src/ui';

type LabelMatch = string | RegExp;

export type Answer =
  | { kind: 'pick'; label: LabelMatch }
  | { kind: 'pickMany'; labels: LabelMatch[] }
  | { kind: 'input'; value: string }
  | { kind: 'confirm'; accept: boolean }
  | { kind: 'dialog'; uris: vscode.Uri[] }
  | { kind: 'workspaceFolder'; name: LabelMatch }
  | { kind: 'cancel' };

/** Answer builders: `ui.queue(answer.pick('blue'), answer.input('model.pkl'), answer.confirm(true))`. */
export const answer = {
  pick: (label: LabelMatch): Answer => ({ kind: 'pick', label }),
  pickMany: (...labels: LabelMatch[]): Answer => ({ kind: 'pickMany', labels }),
  input: (value: string): Answer => ({ kind: 'input', value }),
  confirm: (accept: boolean): Answer => ({ kind: 'confirm', accept }),
  dialog: (...uris: vscode.Uri[]): Answer => ({ kind: 'dialog', uris }),
  workspaceFolder: (name: LabelMatch): Answer => ({ kind: 'workspaceFolder', name }),
  /** Dismisses whatever question comes next. */
  cancel: (): Answer => ({ kind: 'cancel' }),
};

export interface AskedQuestion {
  kind: Exclude<Answer['kind'], 'cancel'>;
  /** Title, placeholder, prompt or message: what the user would read. */
  text: string;
  /** The items offered, by label. */
  choices?: string[];
}

export interface Notification {
  severity: Severity;
  message: string;
  actions: string[];
}

const matches = (m: LabelMatch, label: string): boolean =>
  typeof m === 'string' ? m === label : m.test(label);

export class TestUserInput implements UserInput {
  private readonly answers: Answer[] = [];
  private readonly clicks: string[] = [];
  /** Every question asked, in order. */
  readonly asked: AskedQuestion[] = [];
  readonly notifications: Notification[] = [];
  /** Questions the test did not expect; assertDone() fails on them even if the caller swallowed the error. */
  readonly unexpected: string[] = [];

  /** `workspaceFolders`: what a workspace-folder question offers. */
  constructor(private readonly workspaceFolders: readonly vscode.WorkspaceFolder[] = []) {}

  queue(...answers: Answer[]): this {
    this.answers.push(...answers);
    return this;
  }

  /** The next notification that offers `action` resolves to it (others resolve to nothing). */
  clickNext(action: string): this {
    this.clicks.push(action);
    return this;
  }

  /** Fails unless every queued answer was used and no unexpected question came. */
  assertDone(): void {
    const problems = [...this.unexpected];
    if (this.answers.length > 0)
      problems.push(`answers never asked for: ${this.answers.map((a) => a.kind).join(', ')}`);
    if (this.clicks.length > 0) problems.push(`notification clicks never offered: ${this.clicks.join(', ')}`);
    if (problems.length > 0) throw new Error(`user input: ${problems.join('; ')}`);
  }

  private fail(message: string): never {
    this.unexpected.push(message);
    throw new Error(`user input: ${message}`);
  }

  /** The answer for a question of `kind`; throws UserCancelledError for a queued cancel. */
  private next<K extends Exclude<Answer['kind'], 'cancel'>>(
    question: AskedQuestion & { kind: K },
  ): Extract<Answer, { kind: K }> {
    this.asked.push(question);
    const next = this.answers.shift();
    if (!next) return this.fail(`unexpected ${question.kind}: "${question.text}"`);
    if (next.kind === 'cancel') throw new UserCancelledError();
    if (next.kind !== question.kind)
      return this.fail(`expected a ${next.kind}, was asked a ${question.kind}: "${question.text}"`);
    return next as Extract<Answer, { kind: K }>;
  }

  async pick<T extends vscode.QuickPickItem>(
    items: readonly T[] | Promise<readonly T[]>,
    options: vscode.QuickPickOptions,
  ): Promise<T> {
    const list = [...(await items)];
    const labels = list.map((i) => i.label);
    const a = this.next({ kind: 'pick', text: textOf(options), choices: labels });
    const found = list.find((i) => matches(a.label, i.label));
    return (
      found ??
      this.fail(`no item "${String(a.label)}" in the pick "${textOf(options)}": ${labels.join(' | ')}`)
    );
  }

  async pickMany<T extends vscode.QuickPickItem>(
    items: readonly T[] | Promise<readonly T[]>,
    options: vscode.QuickPickOptions,
  ): Promise<T[]> {
    const list = [...(await items)];
    const labels = list.map((i) => i.label);
    const a = this.next({ kind: 'pickMany', text: textOf(options), choices: labels });
    return a.labels.map(
      (m) =>
        list.find((i) => matches(m, i.label)) ??
        this.fail(`no item "${String(m)}" in the pick "${textOf(options)}": ${labels.join(' | ')}`),
    );
  }

  async input(options: vscode.InputBoxOptions): Promise<string> {
    const a = this.next({ kind: 'input', text: options.prompt ?? options.title ?? '' });
    const problem = await options.validateInput?.(a.value);
    const message = typeof problem === 'string' ? problem : problem?.message;
    if (message) this.fail(`the input "${a.value}" was refused: ${message}`);
    return a.value;
  }

  confirm(message: string): Promise<boolean> {
    return settle(() => this.next({ kind: 'confirm', text: message }).accept);
  }

  openDialog(options: vscode.OpenDialogOptions): Promise<vscode.Uri[]> {
    return settle(() => this.next({ kind: 'dialog', text: options.title ?? options.openLabel ?? '' }).uris);
  }

  saveDialog(options: vscode.SaveDialogOptions): Promise<vscode.Uri> {
    return settle(() => {
      const { uris } = this.next({ kind: 'dialog', text: options.title ?? options.saveLabel ?? '' });
      return uris[0] ?? this.fail('a save dialog answered with no file');
    });
  }

  pickWorkspaceFolder(options: vscode.WorkspaceFolderPickOptions): Promise<vscode.WorkspaceFolder> {
    return settle(() => {
      const a = this.next({ kind: 'workspaceFolder', text: options.placeHolder ?? '' });
      return (
        this.workspaceFolders.find((f) => matches(a.name, f.name)) ??
        this.fail(`no workspace folder "${String(a.name)}"`)
      );
    });
  }

  notify(severity: Severity, message: string, ...actions: string[]): Promise<string | undefined> {
    this.notifications.push({ severity, message, actions });
    const click = this.clicks[0];
    if (click !== undefined && actions.includes(click)) {
      this.clicks.shift();
      return Promise.resolve(click);
    }
    return Promise.resolve(undefined);
  }
}

/** A promise of `answer()`: what it throws rejects, as VS Code's own prompts would. */
function settle<T>(answer: () => T): Promise<T> {
  try {
    return Promise.resolve(answer());
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
}

function textOf(options: vscode.QuickPickOptions): string {
  return options.placeHolder ?? options.title ?? '';
}
