// package.json's contributions, package.nls*.json and the command table must agree both ways.
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { test } from 'node:test';
import { Commands, SettingKeys, Views } from '../../src/constants';

interface Manifest {
  contributes: {
    commands: { command: string; title: string; category?: string; icon?: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    configuration: {
      properties: Record<string, { markdownDescription?: string; description?: string; default?: unknown }>;
    };
    views: Record<string, { id: string }[]>;
    keybindings: { command: string }[];
    walkthroughs: { steps: { media: { markdown?: string } }[] }[];
    grammars: { path: string }[];
    languages: { configuration?: string }[];
    viewsContainers: { activitybar: { icon: string }[] };
  };
  engines: { vscode: string; node: string };
  devDependencies: Record<string, string>;
}

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as Manifest;
const manifestText = readFileSync('package.json', 'utf8');

function readJson(path: string): Record<string, string> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;
}

void test('every contributed command is in the command table and the other way round', () => {
  const contributed = manifest.contributes.commands.map((c) => c.command).sort();
  const table = Object.values(Commands).sort();
  assert.deepEqual(contributed, table);
});

void test('the command table registers each command once (src/commands/index.ts)', () => {
  const source = readFileSync('src/commands/index.ts', 'utf8');
  for (const [key] of Object.entries(Commands)) {
    const uses = source.match(new RegExp(`\\[Commands\\.${key}\\]`, 'g')) ?? [];
    assert.equal(uses.length, 1, `Commands.${key} appears ${uses.length} times in the table`);
  }
});

void test('every command has a category, and an icon when it sits in a menu', () => {
  const inMenus = new Set(
    Object.values(manifest.contributes.menus)
      .flat()
      .map((m) => m.command),
  );
  for (const c of manifest.contributes.commands) {
    assert.ok(c.category, `${c.command} has no category`);
    if (inMenus.has(c.command)) assert.ok(c.icon, `${c.command} sits in a menu but has no icon`);
  }
});

void test('menus and keybindings name only contributed commands', () => {
  const known = new Set(manifest.contributes.commands.map((c) => c.command));
  for (const [menu, items] of Object.entries(manifest.contributes.menus)) {
    for (const item of items) assert.ok(known.has(item.command), `${menu} names unknown ${item.command}`);
  }
  for (const k of manifest.contributes.keybindings)
    assert.ok(known.has(k.command), `keybinding for unknown ${k.command}`);
});

void test('every setting in constants is contributed, described and has a default', () => {
  const props = manifest.contributes.configuration.properties;
  for (const [key, id] of Object.entries(SettingKeys)) {
    if (key === 'section') continue;
    const p = props[id];
    assert.ok(p, `${id} is not contributed`);
    assert.ok(p.markdownDescription ?? p.description, `${id} has no description`);
    assert.ok('default' in p, `${id} has no default`);
  }
  for (const id of Object.keys(props)) {
    assert.ok(
      (Object.values(SettingKeys) as string[]).includes(id),
      `${id} is contributed but not in constants`,
    );
    assert.ok(id.startsWith('amlMonitor.'), `${id} lacks the amlMonitor. prefix`);
  }
});

void test('the view is contributed under its container', () => {
  const ids = Object.values(manifest.contributes.views)
    .flat()
    .map((v) => v.id);
  assert.ok(ids.includes(Views.services));
});

void test('every %key% of package.json exists in English and Spanish, and no key is unused', () => {
  const used = new Set([...manifestText.matchAll(/"%([\w.]+)%"/g)].map((m) => m[1]!));
  for (const file of ['package.nls.json', 'package.nls.es.json']) {
    const nls = readJson(file);
    for (const key of used) assert.ok(nls[key]?.trim(), `${file} lacks ${key}`);
    for (const key of Object.keys(nls)) assert.ok(used.has(key), `${file} has unused key ${key}`);
  }
});

void test('files the manifest points at exist', () => {
  const c = manifest.contributes;
  const paths = [
    ...c.viewsContainers.activitybar.map((a) => a.icon),
    ...c.grammars.map((g) => g.path),
    ...c.languages.flatMap((l) => (l.configuration ? [l.configuration] : [])),
    ...c.walkthroughs.flatMap((w) => w.steps.flatMap((s) => (s.media.markdown ? [s.media.markdown] : []))),
    'media/icon.png',
  ];
  for (const p of paths) assert.ok(existsSync(p), `${p} is missing`);
});

void test('@types/vscode is pinned to the engines.vscode minimum and Node >= 22 is required', () => {
  const min = manifest.engines.vscode.replace(/^\^/, '');
  assert.equal(manifest.devDependencies['@types/vscode'], min);
  assert.equal(manifest.engines.node, '>=22');
});
