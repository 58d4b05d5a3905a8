// The queries of a .kql file: blocks of lines separated by blank lines, as Azure Data Explorer
// and the portal's query editor treat them. A block of comments alone is no query.

export interface QueryBlock {
  /** First and last line (0-based, inclusive) of the block. */
  startLine: number;
  endLine: number;
}

export function queryBlocks(text: string): QueryBlock[] {
  const lines = text.split(/\r?\n/);
  const blocks: QueryBlock[] = [];
  let start = -1;
  let hasQuery = false;
  const close = (end: number) => {
    if (start >= 0 && hasQuery) blocks.push({ startLine: start, endLine: end });
    start = -1;
    hasQuery = false;
  };
  lines.forEach((line, i) => {
    const trimmed = line.trim();
    if (!trimmed) {
      close(i - 1);
      return;
    }
    if (start < 0) start = i;
    if (!trimmed.startsWith('//')) hasQuery = true;
  });
  close(lines.length - 1);
  return blocks;
}
