// Names from data in quick-pick labels (and status bar text) read as typed: `$(name)` stays text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeIcons } from '../../src/core/iconText';

/**
 * What VS Code shows for a label: `$(name)` or `$(name~spin)` is an icon, `\$(name)` the text
 * `$(name)`, anything else as typed (microsoft/vscode, renderLabelWithIcons in
 * src/vs/base/browser/ui/iconLabel/iconLabels.ts; icon names [A-Za-z0-9-]+, modifiers ~[A-Za-z]+).
 */
function rendered(label: string): { text: string; icons: number } {
  let icons = 0;
  const text = label.replace(/(\\)?\$\(([A-Za-z0-9-]+(?:~[A-Za-z]+)?)\)/g, (m: string, escaped?: string) => {
    if (escaped) return m.slice(1);
    icons++;
    return '';
  });
  return { text, icons };
}

void test('a name with $(…) in it reads as typed, not as an icon', () => {
  assert.deepEqual(
    rendered('$(globe) credit-risk'),
    { text: ' credit-risk', icons: 1 },
    'the reference renders icons',
  );
  for (const name of [
    '$(globe) credit-risk',
    'role-$(sync~spin)',
    '\\$(x)',
    '$($(a))',
    'plain',
    '',
    '$(',
    '$()',
  ]) {
    assert.deepEqual(rendered(escapeIcons(name)), { text: name, icons: 0 }, name);
  }
});

void test('any text survives escaping (seeded random strings of the characters that matter)', () => {
  let seed = 13;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  const alphabet = ['$', '(', ')', '\\', 'a', 'Z', '-', '~', '0', ' ', 'é'];
  for (let round = 0; round < 2000; round++) {
    const name = Array.from({ length: next() % 14 }, () => alphabet[next() % alphabet.length]).join('');
    assert.deepEqual(rendered(escapeIcons(name)), { text: name, icons: 0 }, JSON.stringify(name));
  }
});
