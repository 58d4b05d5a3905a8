// The emulator's KQL tokenizer and parser: positions of syntax errors as the service reports them,
// literals, operator precedence, and the operators it refuses by name.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KqlSemanticError, KqlSyntaxError, toServiceError } from '../query/errors';
import { tokenize } from '../query/lexer';
import { parseQuery } from '../query/parser';

function syntaxErrorOf(text: string): KqlSyntaxError {
  try {
    parseQuery(text);
  } catch (err) {
    if (err instanceof KqlSyntaxError) return err;
    throw err;
  }
  assert.fail(`expected a syntax error for ${text}`);
}

void describe('KQL tokenizer', () => {
  void it('reads strings with escapes, verbatim strings and comments', () => {
    const tokens = tokenize(`"a\\"b\\\\c\\n" 'single' @"C:\\path" // comment\nx`);
    assert.deepEqual(
      tokens.map((t) => [t.kind, t.value]),
      [
        ['string', 'a"b\\c\n'],
        ['string', 'single'],
        ['string', 'C:\\path'],
        ['ident', 'x'],
        ['eof', undefined],
      ],
    );
    assert.equal(tokens[3]?.line, 2);
    assert.equal(tokens[3]?.pos, 0);
  });

  void it('reads timespan, number, datetime and dynamic literals', () => {
    const tokens = tokenize(
      '1d 2h 30m 10s 100ms 1.5h 42 2.5 datetime(2026-11-23 10:00) dynamic({"a": [1, 2]})',
    );
    assert.deepEqual(
      tokens.slice(0, -1).map((t) => [t.kind, t.value]),
      [
        ['timespan', 86_400_000],
        ['timespan', 7_200_000],
        ['timespan', 1_800_000],
        ['timespan', 10_000],
        ['timespan', 100],
        ['timespan', 5_400_000],
        ['number', 42],
        ['number', 2.5],
        ['datetime', Date.parse('2026-11-23T10:00:00Z')],
        ['dynamic', { json: { a: [1, 2] } }],
      ],
    );
  });

  void it('reads hyphenated operator names and negated word operators as one token', () => {
    const texts = tokenize('project-away a | where b !contains "x" and c !in ("y")').map((t) => t.text);
    assert.ok(texts.includes('project-away'));
    assert.ok(texts.includes('!contains'));
    assert.ok(texts.includes('!in'));
  });

  void it('fails on an unterminated string at its opening quote', () => {
    const err = syntaxErrorOf('traces\n| where message == "abc');
    assert.equal(err.line, 2);
    assert.equal(err.pos, 19);
  });

  void it('fails on a number with an unknown unit', () => {
    const err = syntaxErrorOf('requests | where duration > 5parsecs');
    assert.equal(err.token, '5parsecs');
    assert.equal(err.pos, 28);
  });
});

void describe('KQL parser', () => {
  void it('reports the position like the service: 0-based column on a 1-based line', () => {
    // The service's recorded answer to this exact text: "Query could not be parsed at 'invalid' on line [1,11]".
    const err = syntaxErrorOf('completely invalid syntax');
    assert.equal(err.message, "Query could not be parsed at 'invalid' on line [1,11]");
    assert.deepEqual([err.token, err.line, err.pos], ['invalid', 1, 11]);

    const second = syntaxErrorOf('requests\n| whre success == false');
    assert.deepEqual([second.token, second.line, second.pos], ['whre', 2, 2]);
  });

  void it('reports a query that ends early at its end', () => {
    const err = syntaxErrorOf('requests | where');
    assert.equal(err.line, 1);
    assert.equal(err.pos, 16);
  });

  void it('parses the document query and the ready-query shapes', () => {
    const q = parseQuery('traces | where customDimensions contains "input" | limit 10');
    assert.equal(q.table, 'traces');
    assert.deepEqual(
      q.ops.map((o) => o.op),
      ['where', 'take'],
    );
    const s = parseQuery(
      'requests\n| summarize percentiles(duration, 50, 95, 99) by bin(timestamp, 5m)\n| order by timestamp asc\n| render timechart',
    );
    assert.deepEqual(
      s.ops.map((o) => o.op),
      ['summarize', 'sort', 'render'],
    );
    const sort = s.ops[1];
    assert.ok(sort?.op === 'sort');
    assert.equal(sort.keys[0]?.desc, false);
  });

  void it('binds and tighter than or, comparisons tighter than and, * tighter than +', () => {
    const q = parseQuery('T | where a == 1 or b == 2 and c == 3 | extend x = 1 + 2 * 3');
    const where = q.ops[0];
    assert.ok(where?.op === 'where');
    assert.ok(where.pred.k === 'bin' && where.pred.op === 'or');
    assert.ok(where.pred.right.k === 'bin' && where.pred.right.op === 'and');
    const extend = q.ops[1];
    assert.ok(extend?.op === 'extend');
    const e = extend.items[0]?.expr;
    assert.ok(e?.k === 'bin' && e.op === '+' && e.right.k === 'bin' && e.right.op === '*');
  });

  void it('reads dynamic member access in dot, bracket and call forms', () => {
    const q = parseQuery(
      'T | extend a = customDimensions.Contents.input, b = customDimensions["Request Id"], c = parse_json(message).input',
    );
    const extend = q.ops[0];
    assert.ok(extend?.op === 'extend');
    const [a, b, c] = extend.items.map((i) => i.expr);
    assert.ok(a?.k === 'member' && a.name === 'input' && a.obj.k === 'member' && a.obj.name === 'Contents');
    assert.ok(b?.k === 'member' && b.name === 'Request Id');
    assert.ok(c?.k === 'member' && c.obj.k === 'call' && c.obj.name === 'parse_json');
  });

  void it('reads render options', () => {
    const q = parseQuery('T | render timechart with (title = "Latency", ycolumns = p50, p95)');
    const render = q.ops[0];
    assert.ok(render?.op === 'render');
    assert.equal(render.visualization, 'timechart');
    assert.deepEqual(render.props, { title: 'Latency', ycolumns: ['p50', 'p95'] });
  });

  void it('names real but unsupported operators in a semantic error, and fails unknown words as syntax', () => {
    assert.throws(
      () => parseQuery('requests | join (traces) on operation_Id'),
      (err: unknown) => {
        assert.ok(err instanceof KqlSemanticError);
        assert.match(err.message, /'join' operator is not supported/);
        return true;
      },
    );
    assert.throws(() => parseQuery('requests | frobnicate'), KqlSyntaxError);
    assert.throws(() => parseQuery('let x = 1; requests'), KqlSemanticError);
  });

  void it('turns errors into the service body shapes', () => {
    const syntax = toServiceError(syntaxErrorOf('requests | whre x'), 'cid');
    assert.equal(syntax.code, 'BadArgumentError');
    assert.equal(syntax.message, 'The request had some invalid properties');
    assert.equal(syntax.innererror?.code, 'SyntaxError');
    assert.deepEqual(syntax.innererror?.innererror, {
      code: 'SYN0002',
      message: "Query could not be parsed at 'whre' on line [1,11]",
      line: 1,
      pos: 11,
      token: 'whre',
    });
    assert.deepEqual(syntax.details, [
      { code: 'InvalidQueryError', message: "Query could not be parsed at 'whre' on line [1,11]" },
    ]);
    const semantic = toServiceError(
      new KqlSemanticError("'where' operator: Failed to resolve scalar expression named 'x'"),
      'cid',
    );
    assert.equal(semantic.innererror?.code, 'SemanticError');
    assert.equal(semantic.innererror?.innererror?.code, 'SEM0100');
  });
});
