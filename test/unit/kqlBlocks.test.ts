import assert from 'node:assert/strict';
import { test } from 'node:test';
import { queryBlocks } from '../../src/core/kqlBlocks';

void test('each block of lines between blank lines is one query', () => {
  const text = [
    '// input and output traces',
    'traces',
    '| where customDimensions contains "input"',
    '| limit 10',
    '',
    '',
    'requests | summarize count() by bin(timestamp, 5m)',
  ].join('\n');
  assert.deepEqual(queryBlocks(text), [
    { startLine: 0, endLine: 3 },
    { startLine: 6, endLine: 6 },
  ]);
});

void test('blocks of comments only, blank files and CRLF files', () => {
  assert.deepEqual(queryBlocks('// notes\n// more notes\n\ntraces | take 1\r\n   \r\n'), [
    { startLine: 3, endLine: 3 },
  ]);
  assert.deepEqual(queryBlocks(''), []);
  assert.deepEqual(queryBlocks('\n  \n'), []);
});
