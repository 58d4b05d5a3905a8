// The repository holds no machine-local links: a worktree's `.tools` link to the provisioned Node
// once got committed (`.tools/` in .gitignore matches a folder, not a link), and checking it out
// replaced the real folder with a link to itself.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

void test('no symbolic links and nothing under .tools is tracked', (t) => {
  const listing = spawnSync('git', ['ls-files', '--stage'], { cwd: `${__dirname}/../..`, encoding: 'utf8' });
  if (listing.status !== 0) {
    t.skip('not a git checkout');
    return;
  }
  const links = listing.stdout
    .split('\n')
    .filter((line) => line.startsWith('120000 '))
    .map((line) => line.split('\t')[1]);
  assert.deepEqual(links, []);
  assert.ok(!/\t\.tools(\/|\n|$)/.test(listing.stdout), '.tools is tracked');
});
