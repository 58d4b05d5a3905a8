// The one disposal idiom (src/disposable.ts): an owner disposes what it registered, last first,
// once; a latecomer is disposed at once; one failure does not keep the others alive.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ts from 'typescript';
import { Disposable, toDisposable, type DisposableLike } from '../../src/disposable';

/** An owner that records the order its parts were disposed in, and whether it looked disposed then. */
class Owner extends Disposable {
  readonly log: string[] = [];
  // Registered as a field, before the constructor body: the idiom the owners use for emitters.
  readonly first = this.register(this.part('field'));

  constructor() {
    super();
    this.register(this.part('a'));
    this.register(this.part('b'));
  }

  part(name: string): DisposableLike {
    return toDisposable(() => this.log.push(`${name}${this.isDisposed ? '' : ' (owner still live)'}`));
  }

  add<T extends DisposableLike>(d: T): T {
    return this.register(d);
  }
}

void test('an owner disposes what it registered last first, and says it is disposed while it does', () => {
  const owner = new Owner();
  assert.equal(owner.isDisposed, false);
  owner.dispose();
  assert.equal(owner.isDisposed, true);
  assert.deepEqual(owner.log, ['b', 'a', 'field']);
});

void test('disposing twice disposes nothing twice', () => {
  const owner = new Owner();
  let count = 0;
  owner.add({ dispose: () => count++ });
  owner.dispose();
  owner.dispose();
  assert.equal(count, 1);
  assert.deepEqual(owner.log, ['b', 'a', 'field']);
});

void test('what is registered after the owner was disposed is disposed at once, and returned', () => {
  const owner = new Owner();
  owner.dispose();
  let disposed = false;
  const late = { dispose: () => (disposed = true) };
  assert.equal(owner.add(late), late);
  assert.equal(disposed, true);
  // Registered while the owner disposes (a part's dispose makes another): disposed too.
  const owner2 = new Owner();
  let during = false;
  owner2.add({ dispose: () => owner2.add({ dispose: () => (during = true) }) });
  owner2.dispose();
  assert.equal(during, true);
});

void test('a part that throws does not keep the others alive; its error comes after', () => {
  const owner = new Owner();
  owner.add({
    dispose: () => {
      throw new Error('boom');
    },
  });
  owner.add(owner.part('c'));
  assert.throws(() => owner.dispose(), /boom/);
  assert.deepEqual(owner.log, ['c', 'b', 'a', 'field']);

  const two = new Owner();
  for (const m of ['x', 'y'])
    two.add({
      dispose: () => {
        throw new Error(m);
      },
    });
  assert.throws(
    () => two.dispose(),
    (e) => e instanceof AggregateError && e.errors.map((x: Error) => x.message).join() === 'y,x',
  );
  assert.deepEqual(two.log, ['b', 'a', 'field']);
});

void test('an owner cannot own itself; toDisposable runs once', () => {
  const owner = new Owner();
  assert.throws(() => owner.add(owner), /cannot own itself/);
  let runs = 0;
  const d = toDisposable(() => runs++);
  d.dispose();
  d.dispose();
  assert.equal(runs, 1);
});

void test('owners use the idiom: no hand-written disposables arrays or Disposable.from in extension code', () => {
  // The idiom this replaced: `disposables: vscode.Disposable[]` spliced in dispose(), and
  // vscode.Disposable.from(...) inside a dispose(). commands/index.ts returns one Disposable.from
  // of its registrations to activate(), which owns it: that is not an owner disposing by hand.
  const offenders: string[] = [];
  for (const entry of readdirSync('src', { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (!entry.isFile() || !path.endsWith('.ts') || path.startsWith(join('src', 'webview'))) continue;
    readFileSync(path, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (/\bdisposables\s*[:=]|\.splice\(0\)\)\s*\w+\.dispose\(\)/.test(line))
          offenders.push(`${path}:${i + 1}: ${line.trim()}`);
        if (/Disposable\.from\(/.test(line) && path !== join('src', 'commands', 'index.ts'))
          offenders.push(`${path}:${i + 1}: ${line.trim()}`);
      });
  }
  assert.deepEqual(offenders, []);
});

void test('no class but Disposable writes its own dispose(): owners register what they hold', () => {
  const offenders: string[] = [];
  for (const entry of readdirSync('src', { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (!entry.isFile() || !path.endsWith('.ts') || path === join('src', 'disposable.ts')) continue;
    const sf = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (
        ts.isMethodDeclaration(node) &&
        ts.isIdentifier(node.name) &&
        node.name.text === 'dispose' &&
        ts.isClassLike(node.parent)
      )
        offenders.push(`${path}: ${node.parent.name?.text ?? '(anonymous class)'}.dispose()`);
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  assert.deepEqual(offenders, []);
});
