// Every question to the user goes through the `ui` service (src/ui.ts), and the tests' UserInput
// fails on a question it was not told to expect instead of answering it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ts from 'typescript';
import { isUserCancelledError } from '../../src/ui';
import { installStandInVscode } from '../support/standInVscode';
import { answer, TestUserInput } from '../support/testUserInput';

/** What the stand-in VS Code was asked to show, and which of it the "user" picks. */
const shownPicks: { items: { label: string; description?: string; detail?: string }[]; many: boolean }[] = [];
let choose: (items: { label: string }[]) => unknown = (items) => items[0];
installStandInVscode({
  window: {
    showQuickPick: async (items: Promise<{ label: string }[]>, options: { canPickMany?: boolean }) => {
      const list = await items;
      shownPicks.push({ items: list, many: options.canPickMany === true });
      return choose(list);
    },
  },
});

void test('extension code asks the user only through the ui service', () => {
  const direct =
    /\bwindow\.(showQuickPick|showInputBox|showOpenDialog|showSaveDialog|showWorkspaceFolderPick|show(Information|Warning|Error)Message|createQuickPick|createInputBox)\b/;
  const offenders: string[] = [];
  for (const entry of readdirSync('src', { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (!entry.isFile() || !path.endsWith('.ts') || path === join('src', 'vscodeUserInput.ts')) continue;
    readFileSync(path, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (direct.test(line)) offenders.push(`${path}:${i + 1}: ${line.trim()}`);
      });
  }
  assert.deepEqual(offenders, []);
});

void test('a question without a queued answer fails, and assertDone still reports it if swallowed', async () => {
  const ui = new TestUserInput();
  await assert.rejects(ui.pick([{ label: 'a' }], { placeHolder: 'Which?' }), /unexpected pick: "Which\?"/);
  assert.throws(() => ui.assertDone(), /unexpected pick/);
});

void test('an answer of another kind than the question fails', async () => {
  const ui = new TestUserInput().queue(answer.input('x'));
  await assert.rejects(ui.confirm('Overwrite?'), /expected a input, was asked a confirm/);
});

void test('a pick answer must name an offered item; a cancel dismisses', async () => {
  const ui = new TestUserInput().queue(answer.pick('b'), answer.pick(/^c/), answer.cancel());
  assert.equal((await ui.pick([{ label: 'a' }, { label: 'b' }], { title: 'T' })).label, 'b');
  await assert.rejects(ui.pick([{ label: 'a' }], { title: 'T' }), /no item "\/\^c\/" in the pick "T": a/);
  await assert.rejects(ui.input({ prompt: 'Name' }), (e) => isUserCancelledError(e));
  assert.deepEqual(
    ui.asked.map((q) => q.kind),
    ['pick', 'pick', 'input'],
  );
});

void test('an input answer must pass the validation the user would see', async () => {
  const ui = new TestUserInput().queue(answer.input('bad value'), answer.input('ok'));
  const validateInput = (v: string) => (v.includes(' ') ? 'no spaces' : undefined);
  await assert.rejects(ui.input({ prompt: 'Name', validateInput }), /refused: no spaces/);
  assert.equal(await ui.input({ prompt: 'Name', validateInput }), 'ok');
});

void test('notifications are recorded, not questions; a queued click answers the one that offers it', async () => {
  const ui = new TestUserInput().clickNext('Sign In');
  assert.equal(await ui.notify('info', 'Done.'), undefined);
  assert.equal(await ui.notify('error', 'Not signed in.', 'Sign In', 'Choose Tenant'), 'Sign In');
  assert.deepEqual(
    ui.notifications.map((n) => n.message),
    ['Done.', 'Not signed in.'],
  );
  ui.assertDone();
});

void test('VS Code is shown names from data as text ($( escaped), and the caller gets its own item back', async () => {
  const { VsCodeUserInput } = await import('../../src/vscodeUserInput');
  const ui = new VsCodeUserInput();
  const role = { label: '$(zap) role', description: 'seen $(sync~spin)', detail: 'd', value: 1 };
  const plain = { label: 'blue', value: 2 };
  let resolveItems!: (items: (typeof role | typeof plain)[]) => void;
  const loading = new Promise<(typeof role | typeof plain)[]>((r) => (resolveItems = r));
  choose = (items) => items[0];
  const picked = ui.pick(loading, { title: 'T' });
  resolveItems([role, plain]);
  assert.equal(await picked, role, 'the caller gets its own item');
  assert.deepEqual(
    shownPicks.at(-1)?.items.map((i) => [i.label, i.description, i.detail]),
    [
      ['\\$(zap) role', 'seen \\$(sync~spin)', 'd'],
      ['blue', undefined, undefined],
    ],
  );
  assert.equal(role.label, '$(zap) role', "the caller's item is not changed");

  choose = (items) => items;
  const many = await ui.pickMany([role, plain], { title: 'T' });
  assert.deepEqual(many, [role, plain]);
  assert.equal(shownPicks.at(-1)?.many, true);
  assert.equal(shownPicks.at(-1)?.items[0]?.label, '\\$(zap) role');
});

void test('no quick-pick item in extension code puts an icon in its text (labels are escaped: icons go in iconPath)', () => {
  // VsCodeUserInput escapes every label, description and detail, so a `$(name)` written into one
  // would show as typed; the test above checks the escaping, "asks the user only through the ui
  // service" that no pick bypasses it.
  const offenders: string[] = [];
  for (const entry of readdirSync('src', { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (!entry.isFile() || !path.endsWith('.ts') || path.startsWith(join('src', 'webview'))) continue;
    const sf = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node, inItemText: boolean): void => {
      const itemText =
        inItemText ||
        (ts.isPropertyAssignment(node) &&
          ts.isIdentifier(node.name) &&
          ['label', 'description', 'detail'].includes(node.name.text) &&
          ts.isObjectLiteralExpression(node.parent));
      if (itemText && ts.isStringLiteralLike(node) && /\$\([A-Za-z0-9-]+/.test(node.text))
        offenders.push(`${path}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${node.text}`);
      if (itemText && (ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)))
        if (/\$\([A-Za-z0-9-]+/.test(node.text))
          offenders.push(
            `${path}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${node.text}`,
          );
      ts.forEachChild(node, (child) => visit(child, itemText));
    };
    visit(sf, false);
  }
  assert.deepEqual(offenders, []);
});
