// A virtualized result grid: fixed row height, one spacer sized rows × height, and a small pool of
// row elements recycled as the viewport scrolls, so 500,000 rows cost as much DOM as 40.
// Sorting and filtering work on an index array over the columnar data; cells get text only.
import type { ColumnarTable, GridColumn } from '../core/queryResult';
import type { Strings } from '../query/protocol';
import { el } from './dom';
import { cellText, copyText, MAX_CELL_CHARS, prettyJson } from './format';
import { buildView, GridSearch, type GridSort } from './gridView';

export type { GridSort } from './gridView';

export const ROW_HEIGHT = 22;
const OVERSCAN = 8;
const CHAR_WIDTH = 7.2;
const MIN_COL = 60;
const MAX_COL = 420;

export interface GridCallbacks {
  copy(text: string): void;
  /** Sort, filter or scroll changed: the page saves its state. */
  changed(): void;
}

interface RowElement {
  el: HTMLDivElement;
  cells: HTMLDivElement[];
  /** The data row shown, or -1. */
  row: number;
  viewIndex: number;
}

export class Grid {
  readonly root: HTMLDivElement;
  private readonly header: HTMLDivElement;
  private readonly viewport: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private readonly menu: HTMLDivElement;
  private expanded: HTMLDivElement | undefined;
  private table: ColumnarTable = { rowCount: 0, columns: [] };
  /** Rows in display order after filter and sort; undefined = all rows in result order. */
  private view: Uint32Array | undefined;
  private pool: RowElement[] = [];
  private sortState: GridSort | undefined;
  private filterText = '';
  /** The filter's search over the table (builds its packed text on the first filter). */
  private search = new GridSearch(this.table);
  private selected: { viewIndex: number; col: number } | undefined;
  private renderQueued = false;
  /** Why sorting is off (rows still arriving), or undefined when it is on. */
  private sortDisabledReason: string | undefined;
  private widths: number[] = [];

  constructor(
    parent: HTMLElement,
    private readonly strings: Strings,
    private readonly callbacks: GridCallbacks,
  ) {
    this.root = el('div', 'grid');
    this.root.setAttribute('role', 'grid');
    this.root.setAttribute('aria-label', strings.results);
    this.root.setAttribute('aria-readonly', 'true');
    this.viewport = el('div', 'grid-viewport');
    this.viewport.tabIndex = 0;
    this.header = el('div', 'grid-header');
    this.header.setAttribute('role', 'row');
    this.header.setAttribute('aria-rowindex', '1');
    this.spacer = el('div', 'grid-spacer');
    this.viewport.append(this.header, this.spacer);
    this.menu = el('div', 'grid-menu');
    this.menu.setAttribute('role', 'menu');
    this.menu.hidden = true;
    this.root.append(this.viewport, this.menu);
    parent.append(this.root);

    this.viewport.addEventListener('scroll', () => {
      this.queueRender();
      this.callbacks.changed();
    });
    new ResizeObserver(() => this.queueRender()).observe(this.viewport);
    this.spacer.addEventListener('click', (e) => this.onCellClick(e));
    this.spacer.addEventListener('dblclick', (e) => {
      const hit = this.hitCell(e.target);
      if (hit) this.toggleExpand(hit.viewIndex, hit.col);
    });
    this.spacer.addEventListener('contextmenu', (e) => this.onContextMenu(e));
    this.viewport.addEventListener('keydown', (e) => this.onKeyDown(e));
    document.addEventListener('click', (e) => {
      if (!this.menu.contains(e.target as Node)) this.menu.hidden = true;
    });
    // VS Code's Copy runs document.execCommand('copy') in the webview: answer it with the cell.
    document.addEventListener('copy', (e) => {
      if (!this.root.contains(document.activeElement) || !this.selected) return;
      const text = this.selectedCellText();
      if (text === undefined || !e.clipboardData) return;
      e.clipboardData.setData('text/plain', text);
      e.preventDefault();
    });
  }

  get rowCount(): number {
    return this.table.rowCount;
  }
  get visibleRowCount(): number {
    return this.view ? this.view.length : this.table.rowCount;
  }
  get scrollTop(): number {
    return this.viewport.scrollTop;
  }
  set scrollTop(v: number) {
    this.viewport.scrollTop = v;
    this.render();
  }
  get sort(): GridSort | undefined {
    return this.sortState;
  }
  get filter(): string {
    return this.filterText;
  }
  /** Row numbers in display order when the view differs from the result (for "export what you see"). */
  viewRows(): Uint32Array | undefined {
    return this.view;
  }

  setData(
    table: ColumnarTable,
    options: { sort?: GridSort; filter?: string; scrollTop?: number } = {},
  ): void {
    this.table = table;
    this.search = new GridSearch(table);
    this.selected = undefined;
    this.closeExpanded();
    this.widths = table.columns.map((c) => this.measure(c));
    this.root.style.setProperty('--grid-columns', this.widths.map((w) => `${w}px`).join(' '));
    this.root.style.setProperty('--grid-width', `${this.widths.reduce((a, b) => a + b, 0)}px`);
    this.root.setAttribute('aria-colcount', String(table.columns.length));
    this.buildHeader();
    for (const r of this.pool) r.el.remove();
    this.pool = [];
    this.sortState =
      options.sort && table.columns.some((c) => c.name === options.sort?.column) ? options.sort : undefined;
    this.filterText = options.filter ?? '';
    this.recomputeView();
    this.viewport.scrollTop = options.scrollTop ?? 0;
    this.render();
  }

  setFilter(text: string): void {
    if (text === this.filterText) return;
    this.filterText = text;
    this.recomputeView();
    this.viewport.scrollTop = 0;
    this.render();
    this.callbacks.changed();
  }

  setSort(sort: GridSort | undefined): void {
    this.sortState = sort;
    this.recomputeView();
    this.updateHeaderSort();
    this.render();
    this.callbacks.changed();
  }

  // ---- layout ---------------------------------------------------------------------------------

  private measure(col: GridColumn): number {
    let chars = col.name.length + 2;
    const sample = Math.min(this.table.rowCount, 200);
    for (let r = 0; r < sample; r++) chars = Math.max(chars, Math.min(cellText(col, r).length, 60));
    return Math.max(MIN_COL, Math.min(MAX_COL, Math.ceil(chars * CHAR_WIDTH) + 16));
  }

  private buildHeader(): void {
    this.header.replaceChildren();
    this.table.columns.forEach((col, i) => {
      const cell = el('div', `grid-headercell kind-${col.kind}`);
      cell.setAttribute('role', 'columnheader');
      cell.setAttribute('aria-colindex', String(i + 1));
      cell.dataset.col = col.name;
      const button = el('button', 'grid-sort');
      button.type = 'button';
      button.textContent = col.name;
      button.title = `${col.name} (${col.sourceType})`;
      button.addEventListener('click', () => this.cycleSort(col.name));
      const indicator = el('span', 'grid-sort-indicator');
      indicator.setAttribute('aria-hidden', 'true');
      cell.append(button, indicator);
      this.header.append(cell);
    });
    this.updateHeaderSort();
  }

  /** Turns the header's sort buttons off with a reason (shown as their tooltip), or back on. */
  setSortDisabled(reason: string | undefined): void {
    this.sortDisabledReason = reason;
    this.updateHeaderSort();
  }

  private updateHeaderSort(): void {
    for (const cell of Array.from(this.header.children) as HTMLElement[]) {
      const sorted = this.sortState?.column === cell.dataset.col;
      const state = sorted ? (this.sortState?.descending ? 'descending' : 'ascending') : 'none';
      cell.setAttribute('aria-sort', state);
      const indicator = cell.querySelector('.grid-sort-indicator');
      if (indicator) indicator.textContent = state === 'ascending' ? '▲' : state === 'descending' ? '▼' : '';
      const button = cell.querySelector('button');
      if (button) {
        button.disabled = this.sortDisabledReason !== undefined;
        button.title =
          this.sortDisabledReason ??
          (state === 'ascending' ? this.strings.sortDescending : this.strings.sortAscending);
      }
    }
  }

  private cycleSort(column: string): void {
    const s = this.sortState;
    if (s?.column !== column) this.setSort({ column, descending: false });
    else if (!s.descending) this.setSort({ column, descending: true });
    else this.setSort(undefined);
  }

  // ---- view (filter + sort) ---------------------------------------------------------------------

  private recomputeView(): void {
    this.view = buildView(this.search, this.filterText, this.sortState);
    this.spacer.style.height = `${this.visibleRowCount * ROW_HEIGHT}px`;
    this.root.setAttribute('aria-rowcount', String(this.visibleRowCount + 1));
    this.selected = undefined;
    this.closeExpanded();
    for (const r of this.pool) r.row = -1;
  }

  private rowAt(viewIndex: number): number {
    return this.view ? (this.view[viewIndex] ?? -1) : viewIndex;
  }

  // ---- rendering --------------------------------------------------------------------------------

  private queueRender(): void {
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => {
      this.renderQueued = false;
      this.render();
    });
  }

  private newRow(): RowElement {
    const rowEl = el('div', 'grid-row');
    rowEl.setAttribute('role', 'row');
    const cells = this.table.columns.map((col, c) => {
      const cell = el('div', `grid-cell kind-${col.kind}`);
      cell.setAttribute('role', 'gridcell');
      cell.setAttribute('aria-colindex', String(c + 1));
      cell.dataset.col = col.name;
      cell.dataset.colIndex = String(c);
      rowEl.append(cell);
      return cell;
    });
    this.spacer.append(rowEl);
    return { el: rowEl, cells, row: -1, viewIndex: -1 };
  }

  render(): void {
    const total = this.visibleRowCount;
    const headerHeight = this.header.offsetHeight;
    const top = Math.max(0, this.viewport.scrollTop);
    const height = Math.max(0, this.viewport.clientHeight - headerHeight);
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(total, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    const needed = Math.max(0, last - first);
    while (this.pool.length < needed) this.pool.push(this.newRow());
    while (this.pool.length > needed) this.pool.pop()?.el.remove();

    // Keep elements whose row is still in range where they are (no text rewrite); reuse the rest.
    const byViewIndex = new Map<number, RowElement>();
    const free: RowElement[] = [];
    for (const r of this.pool) {
      if (r.row >= 0 && r.viewIndex >= first && r.viewIndex < last && !byViewIndex.has(r.viewIndex))
        byViewIndex.set(r.viewIndex, r);
      else free.push(r);
    }
    for (let v = first; v < last; v++) {
      let r = byViewIndex.get(v);
      if (!r) {
        r = free.pop()!;
        this.fillRow(r, v);
      }
      const selected = this.selected?.viewIndex === v;
      r.el.classList.toggle('selected-row', selected);
      for (let c = 0; c < r.cells.length; c++) {
        const isSel = selected && this.selected?.col === c;
        r.cells[c]!.classList.toggle('selected', isSel);
        if (isSel) r.cells[c]!.setAttribute('aria-selected', 'true');
        else r.cells[c]!.removeAttribute('aria-selected');
      }
    }
  }

  private fillRow(r: RowElement, viewIndex: number): void {
    const row = this.rowAt(viewIndex);
    r.row = row;
    r.viewIndex = viewIndex;
    r.el.style.transform = `translateY(${viewIndex * ROW_HEIGHT}px)`;
    r.el.setAttribute('aria-rowindex', String(viewIndex + 2));
    r.el.dataset.row = String(row);
    r.el.classList.toggle('odd', viewIndex % 2 === 1);
    for (let c = 0; c < r.cells.length; c++) {
      const col = this.table.columns[c]!;
      const text = cellText(col, row);
      r.cells[c]!.textContent = text.length > MAX_CELL_CHARS ? `${text.slice(0, MAX_CELL_CHARS)}…` : text;
    }
  }

  // ---- interaction ------------------------------------------------------------------------------

  private hitCell(
    target: EventTarget | null,
  ): { viewIndex: number; col: number; cell: HTMLElement } | undefined {
    const cell = (target as HTMLElement | null)?.closest?.('.grid-cell');
    if (!(cell instanceof HTMLElement)) return undefined;
    const rowEl = cell.parentElement;
    const r = this.pool.find((p) => p.el === rowEl);
    const col = Number(cell.dataset.colIndex);
    if (!r || r.row < 0 || !Number.isInteger(col)) return undefined;
    return { viewIndex: r.viewIndex, col, cell };
  }

  private onCellClick(e: MouseEvent): void {
    const hit = this.hitCell(e.target);
    if (!hit) return;
    this.select(hit.viewIndex, hit.col);
  }

  private select(viewIndex: number, col: number): void {
    this.selected = { viewIndex, col };
    this.viewport.focus({ preventScroll: true });
    this.render();
  }

  private ensureVisible(viewIndex: number): void {
    const headerHeight = this.header.offsetHeight;
    const top = viewIndex * ROW_HEIGHT;
    const vpTop = this.viewport.scrollTop;
    const vpHeight = this.viewport.clientHeight - headerHeight;
    if (top < vpTop) this.viewport.scrollTop = top;
    else if (top + ROW_HEIGHT > vpTop + vpHeight) this.viewport.scrollTop = top + ROW_HEIGHT - vpHeight;
  }

  private selectedCellText(): string | undefined {
    const s = this.selected;
    const col = s && this.table.columns[s.col];
    if (!s || !col) return undefined;
    return copyText(col, this.rowAt(s.viewIndex));
  }

  private rowText(viewIndex: number): string {
    const row = this.rowAt(viewIndex);
    return this.table.columns.map((col) => copyText(col, row).replace(/[\t\r\n]+/g, ' ')).join('\t');
  }

  private onKeyDown(e: KeyboardEvent): void {
    const s = this.selected;
    const mod = e.ctrlKey || e.metaKey;
    if (e.key === 'Escape') {
      this.menu.hidden = true;
      this.closeExpanded();
      return;
    }
    if (mod && (e.key === 'c' || e.key === 'C') && s) {
      const text = e.shiftKey ? this.rowText(s.viewIndex) : this.selectedCellText();
      if (text !== undefined) this.callbacks.copy(text);
      return;
    }
    const total = this.visibleRowCount;
    if (total === 0) return;
    const cur = s ?? { viewIndex: 0, col: 0 };
    const page = Math.max(1, Math.floor(this.viewport.clientHeight / ROW_HEIGHT) - 1);
    let next: { viewIndex: number; col: number } | undefined;
    switch (e.key) {
      case 'ArrowDown':
        next = { ...cur, viewIndex: Math.min(total - 1, s ? cur.viewIndex + 1 : 0) };
        break;
      case 'ArrowUp':
        next = { ...cur, viewIndex: Math.max(0, cur.viewIndex - 1) };
        break;
      case 'ArrowRight':
        next = { ...cur, col: Math.min(this.table.columns.length - 1, cur.col + 1) };
        break;
      case 'ArrowLeft':
        next = { ...cur, col: Math.max(0, cur.col - 1) };
        break;
      case 'PageDown':
        next = { ...cur, viewIndex: Math.min(total - 1, cur.viewIndex + page) };
        break;
      case 'PageUp':
        next = { ...cur, viewIndex: Math.max(0, cur.viewIndex - page) };
        break;
      case 'Home':
        next = mod ? { ...cur, viewIndex: 0 } : { ...cur, col: 0 };
        break;
      case 'End':
        next = mod ? { ...cur, viewIndex: total - 1 } : { ...cur, col: this.table.columns.length - 1 };
        break;
      case 'Enter':
      case ' ':
        if (s) this.toggleExpand(s.viewIndex, s.col);
        e.preventDefault();
        return;
      default:
        return;
    }
    e.preventDefault();
    this.ensureVisible(next.viewIndex);
    this.selected = next;
    this.render();
  }

  private onContextMenu(e: MouseEvent): void {
    const hit = this.hitCell(e.target);
    if (!hit) return;
    e.preventDefault();
    this.select(hit.viewIndex, hit.col);
    const items: [string, () => void][] = [
      [this.strings.copyCell, () => this.callbacks.copy(this.selectedCellText() ?? '')],
      [this.strings.copyRow, () => this.callbacks.copy(this.rowText(hit.viewIndex))],
    ];
    if (this.table.columns[hit.col]?.kind === 'dynamic')
      items.push([this.strings.expandValue, () => this.toggleExpand(hit.viewIndex, hit.col)]);
    this.menu.replaceChildren(
      ...items.map(([label, run]) => {
        const item = el('button', 'grid-menu-item');
        item.type = 'button';
        item.setAttribute('role', 'menuitem');
        item.textContent = label;
        item.addEventListener('click', () => {
          this.menu.hidden = true;
          run();
          this.viewport.focus({ preventScroll: true });
        });
        return item;
      }),
    );
    const box = this.root.getBoundingClientRect();
    this.menu.style.left = `${e.clientX - box.left}px`;
    this.menu.style.top = `${e.clientY - box.top}px`;
    this.menu.hidden = false;
    (this.menu.firstElementChild as HTMLElement | null)?.focus();
  }

  /** Shows the whole value of a cell, pretty-printed, right under it (it scrolls with the row). */
  private toggleExpand(viewIndex: number, c: number): void {
    const wasSame = this.expanded?.dataset.key === `${viewIndex}:${c}`;
    this.closeExpanded();
    if (wasSame) return;
    const col = this.table.columns[c];
    if (!col) return;
    const text = copyText(col, this.rowAt(viewIndex));
    const box = el('div', 'grid-expanded');
    box.dataset.key = `${viewIndex}:${c}`;
    box.setAttribute('role', 'dialog');
    box.setAttribute('aria-label', col.name);
    const pre = el('pre', 'grid-expanded-text');
    pre.textContent = col.kind === 'dynamic' ? prettyJson(text) : text;
    const close = el('button', 'grid-expanded-close');
    close.type = 'button';
    close.textContent = '×';
    close.title = this.strings.close;
    close.setAttribute('aria-label', this.strings.close);
    close.addEventListener('click', () => {
      this.closeExpanded();
      this.viewport.focus({ preventScroll: true });
    });
    box.append(close, pre);
    const left = this.widths.slice(0, c).reduce((a, b) => a + b, 0);
    box.style.top = `${(viewIndex + 1) * ROW_HEIGHT}px`;
    box.style.left = `${left}px`;
    this.spacer.append(box);
    this.expanded = box;
  }

  private closeExpanded(): void {
    this.expanded?.remove();
    this.expanded = undefined;
  }
}
