// The query panel's DOM: toolbar, editor, banners, status bar, chart and results areas, built with
// createElement and textContent only. main.ts wires behaviour onto what this returns.
import type { PanelBinding, PresetDuration, ReadyQueryItem, Strings } from '../query/protocol';
import { presetDurations } from '../query/protocol';
import { el } from './dom';

export interface PageLayout {
  source: HTMLSelectElement;
  range: HTMLSelectElement;
  start: HTMLInputElement;
  end: HTMLInputElement;
  ready: HTMLSelectElement;
  runButton: HTMLButtonElement;
  cancelButton: HTMLButtonElement;
  exportButtons: HTMLButtonElement[];
  portalButton: HTMLButtonElement;
  editor: HTMLTextAreaElement;
  banners: HTMLDivElement;
  rowCount: HTMLSpanElement;
  stats: HTMLSpanElement;
  chartToggle: HTMLButtonElement;
  filter: HTMLInputElement;
  chartBox: HTMLDivElement;
  /** The App Insights scope of the ready queries (hidden for a workspace). */
  scopeBar: HTMLDivElement;
  scopeText: HTMLSpanElement;
  scopeNote: HTMLSpanElement;
  changeScope: HTMLButtonElement;
  /** Where the grid goes. */
  results: HTMLDivElement;
}

/** Replaces the body with the page's elements. */
export function buildLayout(
  s: Strings,
  binding: PanelBinding,
  readyQueries: readonly ReadyQueryItem[],
  heading: string,
): PageLayout {
  document.body.replaceChildren();
  const toolbar = el('div', 'toolbar');
  toolbar.setAttribute('role', 'toolbar');
  const title = el('h1', undefined, heading);
  title.title = heading;

  const source = el('select', 'source');
  source.setAttribute('aria-label', s.source);
  const ai = el('option', undefined, s.sourceAppInsights);
  ai.value = 'appInsights';
  const la = el('option', undefined, s.sourceLogAnalytics);
  la.value = 'logAnalytics';
  if (!binding.logAnalyticsId) {
    la.disabled = true;
    la.title = s.sourceLogAnalyticsMissing;
  }
  source.append(ai, la);

  const range = el('select', 'range');
  range.setAttribute('aria-label', s.timeRange);
  const rangeLabels: Record<PresetDuration, string> = {
    PT30M: s.range30m,
    PT1H: s.range1h,
    PT24H: s.range24h,
    P7D: s.range7d,
  };
  for (const d of presetDurations) {
    const o = el('option', undefined, rangeLabels[d]);
    o.value = d;
    range.append(o);
  }
  const custom = el('option', undefined, s.rangeCustom);
  custom.value = 'custom';
  range.append(custom);
  const start = el('input', 'custom-start');
  start.type = 'datetime-local';
  start.setAttribute('aria-label', s.customStart);
  start.title = s.customStart;
  const end = el('input', 'custom-end');
  end.type = 'datetime-local';
  end.setAttribute('aria-label', s.customEnd);
  end.title = s.customEnd;

  const ready = el('select', 'ready-queries');
  ready.setAttribute('aria-label', s.readyQueries);
  const placeholder = el('option', undefined, s.readyQueryPlaceholder);
  placeholder.value = '';
  ready.append(placeholder);
  readyQueries.forEach((q, i) => {
    const o = el('option', undefined, q.title);
    o.value = String(i);
    if (q.source === 'logAnalytics' && !binding.logAnalyticsId) o.disabled = true;
    ready.append(o);
  });

  const runButton = el('button', 'primary run', s.run);
  runButton.type = 'button';
  runButton.title = s.runHint;
  const cancelButton = el('button', 'cancel', s.cancel);
  cancelButton.type = 'button';
  cancelButton.disabled = true;
  const csv = el('button', 'export-csv', s.exportCsv);
  const json = el('button', 'export-json', s.exportJson);
  const exportButtons = [csv, json];
  for (const b of exportButtons) {
    b.type = 'button';
    b.disabled = true;
  }
  const portalButton = el('button', 'open-portal', s.openInPortal);
  portalButton.type = 'button';

  toolbar.append(
    title,
    source,
    range,
    start,
    end,
    ready,
    runButton,
    cancelButton,
    el('span', 'spacer'),
    csv,
    json,
    portalButton,
  );

  const scopeBar = el('div', 'scope-bar');
  scopeBar.setAttribute('role', 'group');
  scopeBar.setAttribute('aria-label', s.scopeLabel);
  scopeBar.hidden = true;
  const scopeText = el('span', 'scope-text');
  scopeText.setAttribute('role', 'status');
  const scopeNote = el('span', 'scope-note');
  const changeScope = el('button', 'change-scope', s.changeScope);
  changeScope.type = 'button';
  scopeBar.append(scopeText, changeScope, scopeNote);

  const editorBox = el('div', 'editor');
  const editor = el('textarea', 'query');
  editor.spellcheck = false;
  editor.setAttribute('aria-label', s.queryEditor);
  editor.setAttribute('autocapitalize', 'off');
  editor.setAttribute('autocomplete', 'off');
  editorBox.append(editor, el('div', 'hint', s.runHint));

  const banners = el('div', 'banners');
  banners.setAttribute('role', 'alert');

  const status = el('div', 'statusbar');
  const rowCount = el('span', 'row-count', s.noResultYet);
  rowCount.setAttribute('role', 'status');
  const stats = el('span', 'stats');
  const chartToggle = el('button', 'chart-toggle', s.table);
  chartToggle.type = 'button';
  chartToggle.hidden = true;
  const filter = el('input', 'filter');
  filter.type = 'search';
  filter.placeholder = s.filterPlaceholder;
  filter.setAttribute('aria-label', s.filter);
  status.append(rowCount, stats, el('span', 'spacer'), chartToggle, filter);

  const chartBox = el('div', 'chart');
  chartBox.hidden = true;
  const results = el('div', 'results');
  document.body.append(toolbar, scopeBar, editorBox, banners, status, chartBox, results);
  return {
    source,
    range,
    start,
    end,
    ready,
    runButton,
    cancelButton,
    exportButtons,
    portalButton,
    editor,
    banners,
    rowCount,
    stats,
    chartToggle,
    filter,
    chartBox,
    scopeBar,
    scopeText,
    scopeNote,
    changeScope,
    results,
  };
}

export interface Banner {
  level: 'error' | 'warning' | 'info';
  title: string;
  detail?: string;
  hint?: string;
}

export function renderBanners(container: HTMLElement, items: readonly Banner[]): void {
  container.replaceChildren(
    ...items.map((b) => {
      const box = el('div', `banner ${b.level}`);
      box.dataset.level = b.level;
      box.append(el('div', 'banner-title', b.title));
      if (b.detail) box.append(el('div', 'banner-detail', b.detail));
      if (b.hint) box.append(el('div', 'banner-hint', b.hint));
      return box;
    }),
  );
}
