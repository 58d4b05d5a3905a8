// Every question to the user goes through the `ui` service (src/ui.ts), and the tests' UserInput
// fails on a question it was not told to expect instead of answering it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isUserCancelledError } from '../../src/ui';
import { answer, TestUserInput } from '../support/testUserInput';

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
