// Throughput of the secret scrubber (src/core/scrubSecrets.ts), which every printed log line goes
// through: ordinary log lines, lines that carry secrets, and adversarial lines built to make a
// pattern backtrack (issue 17 defect 1; test/unit/linearTime.test.ts checks their growth). MB/s of
// input text, median of several runs; no assertion on time.
import { scrubSecrets } from '../src/core/scrubSecrets';

const TARGET = 4 * 1024 * 1024;

/** About TARGET characters of `line` repeated, one per line. */
const lines = (line: string): string =>
  `${line}\n`.repeat(Math.max(1, Math.floor(TARGET / (line.length + 1))));
/** One line of about TARGET characters (the scrubber cuts it at its cap, as in a channel). */
const oneLine = (unit: string): string => `${unit.repeat(Math.floor(TARGET / unit.length))}\n`;
/** Lines of 16 KB (under the cap), each made of `unit`: the patterns see all of every line. */
const longLines = (unit: string): string => lines(unit.repeat(Math.floor(16_384 / unit.length)));

const inputs: { kind: 'ordinary' | 'adversarial'; name: string; text: string }[] = [
  {
    kind: 'ordinary',
    name: 'inference server lines',
    text: lines('2026-11-23 22:00:00,000 I [12] azmlinfsrv - POST /score 200 12.3ms request-id=0f3c2a'),
  },
  {
    kind: 'ordinary',
    name: 'printed model inputs (JSON)',
    text: lines(
      '2026-11-23 22:00:00,000 I [12] azmlinfsrv.print - {"input": "[[1.25, 3.5]]", "output": [0.731]}',
    ),
  },
  {
    kind: 'ordinary',
    name: 'lines with secrets to mask',
    text: lines(
      'GET /score Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl AccountKey=abc123== sig=xyz',
    ),
  },
  { kind: 'adversarial', name: "'eyJ-' repeated, 16 KB lines", text: longLines('eyJ-') },
  { kind: 'adversarial', name: "'eyJabcd.efgh.' repeated, 16 KB lines", text: longLines('eyJabcd.efgh.') },
  { kind: 'adversarial', name: "'token \\t ' repeated, 16 KB lines", text: longLines('token \t ') },
  { kind: 'adversarial', name: "'%3Bsig%3' repeated, 16 KB lines", text: longLines('%3Bsig%3') },
  {
    kind: 'adversarial',
    name: "'password\\\\\\\"' repeated, 16 KB lines",
    text: longLines('password\\\\\\"'),
  },
  { kind: 'adversarial', name: "one 4 MB line of 'eyJ-' (cut at the cap)", text: oneLine('eyJ-') },
];

function mbPerSecond(text: string): number {
  scrubSecrets(text);
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = process.hrtime.bigint();
    scrubSecrets(text);
    samples.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  samples.sort((a, b) => a - b);
  return text.length / 1024 / 1024 / (samples[2] ?? NaN);
}

export default function bench(): Promise<void> {
  const slowest = { ordinary: Infinity, adversarial: Infinity };
  for (const { kind, name, text } of inputs) {
    const rate = mbPerSecond(text);
    slowest[kind] = Math.min(slowest[kind], rate);
    console.log(`scrubber, ${kind}: ${name}: ${rate.toFixed(0)} MB/s`);
  }
  console.log(
    `scrubber, slowest: ordinary ${slowest.ordinary.toFixed(0)} MB/s, adversarial ${slowest.adversarial.toFixed(0)} MB/s ` +
      `(adversarial / ordinary ${(slowest.adversarial / slowest.ordinary).toFixed(2)})`,
  );
  return Promise.resolve();
}
