// Drives code-server's workbench in Chromium as a user would: activity bar, tree, command palette,
// quick picks, modal dialogs, the Output panel and webview frames. Selectors are VS Code's own DOM
// classes (stable across many releases) and ARIA labels, seen in code-server 4.139.1.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Browser,
  chromium,
  type Frame,
  type FrameLocator,
  type Locator,
  type Page,
} from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export class Workbench {
  /** Every JavaScript dialog (alert, confirm, prompt) the page or a frame opened: must stay empty. */
  readonly dialogs: string[] = [];
  readonly consoleErrors: string[] = [];

  private constructor(
    readonly browser: Browser,
    readonly page: Page,
    private readonly artifacts: string,
  ) {
    page.on('dialog', (d) => {
      this.dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss().catch(() => undefined);
    });
    page.on('console', (m) => {
      if (m.type() === 'error') this.consoleErrors.push(m.text());
    });
  }

  static async launch(executablePath: string, artifacts: string): Promise<Workbench> {
    mkdirSync(artifacts, { recursive: true });
    // The suite's own signal handlers close the browser with everything else, in order; Playwright's
    // would close it and exit at once, leaving code-server behind.
    const browser = await chromium.launch({
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 60_000,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    const page = await context.newPage();
    return new Workbench(browser, page, artifacts);
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url, { timeout: 60_000 });
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    // The status bar is painted once the workbench has restored its parts.
    await this.page.locator('.statusbar').waitFor({ timeout: 60_000 });
  }

  async screenshot(name: string): Promise<string> {
    const path = join(this.artifacts, `${name}.png`);
    await this.page.screenshot({ path, timeout: 15_000 });
    return path;
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
  }

  // ---- command palette and quick picks ----

  get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  async escape(times = 2): Promise<void> {
    for (let i = 0; i < times; i++) await this.page.keyboard.press('Escape');
  }

  /**
   * F1, type the command's title, run the matching entry. Retried for a while: an extension's
   * commands reach the palette only once the extension host has read the contributions.
   */
  async runCommand(title: string, timeout = 45_000): Promise<void> {
    const deadline = Date.now() + timeout;
    for (;;) {
      await this.escape();
      await this.page.keyboard.press('F1');
      const input = this.quickInput.locator('input');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill(`>${title}`);
      const row = this.quickInput.locator('.monaco-list-row', { hasText: title }).first();
      try {
        await row.waitFor({ state: 'visible', timeout: 5_000 });
        await row.click();
        return;
      } catch (e) {
        if (Date.now() > deadline) throw new Error(`the command palette has no "${title}"`, { cause: e });
      }
    }
  }

  /** Waits for a quick pick whose list has a row containing text, and picks it. */
  async pick(text: string | RegExp, timeout = 20_000): Promise<void> {
    const row = this.quickInput.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
    await row.waitFor({ state: 'visible', timeout });
    await row.click();
  }

  /** The labels of the quick pick's visible rows, once it shows some. */
  async pickLabels(timeout = 20_000): Promise<string[]> {
    const rows = this.quickInput.locator('.quick-input-list .monaco-list-row');
    await rows.first().waitFor({ state: 'visible', timeout });
    return rows.allInnerTexts();
  }

  // ---- modal dialog (VS Code's own, a DOM dialog in the browser) ----

  async confirmDialog(button: string | RegExp, timeout = 15_000): Promise<string> {
    const box = this.page.locator('.monaco-dialog-box');
    await box.waitFor({ state: 'visible', timeout });
    const text = await box.innerText();
    await box.locator('.monaco-button', { hasText: button }).first().click();
    await box.waitFor({ state: 'hidden', timeout });
    return text;
  }

  // ---- notifications ----

  /** Waits for a notification toast whose message contains text; returns its whole message. */
  async notification(text: string | RegExp, timeout = 30_000): Promise<string> {
    const toast = this.page
      .locator('.notifications-toasts .notification-list-item-message', { hasText: text })
      .first();
    await toast.waitFor({ state: 'visible', timeout });
    return (await toast.innerText()).trim();
  }

  // ---- the Azure ML Monitor view ----

  /** The sidebar part that holds the extension's view container. */
  get sidebar(): Locator {
    return this.page.locator('.part.sidebar');
  }

  async openViewContainer(title: string): Promise<void> {
    const paneHeader = this.sidebar.locator('.composite.title h2', { hasText: new RegExp(title, 'i') });
    if (await paneHeader.isVisible().catch(() => false)) return;
    const item = this.page.locator(`.part.activitybar .action-item a[aria-label^="${title}"]`).first();
    await item.click({ timeout: 20_000 });
    await paneHeader.waitFor({ state: 'visible', timeout: 20_000 });
  }

  /** A tree row of the sidebar whose label is exactly text (rows also show a description). */
  treeRow(label: string): Locator {
    return this.sidebar.locator('.monaco-list-row').filter({
      has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }),
    });
  }

  async expand(label: string, timeout = 30_000): Promise<Locator> {
    const row = this.treeRow(label).first();
    await row.waitFor({ state: 'visible', timeout });
    // The tree keeps its rows in place while it settles (rows are updated, not replaced), but a
    // parent still repaints when rows join it (a workspace's v1 group): a click that landed
    // elsewhere meanwhile is retried on the row itself.
    const deadline = Date.now() + timeout;
    while ((await row.getAttribute('aria-expanded')) === 'false') {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${label}: aria-expanded stayed false, expected true`);
      await row.locator('.monaco-tl-twistie').click();
      await expectAttribute(row, 'aria-expanded', 'true', Math.min(5_000, left)).catch(() => undefined);
    }
    return row;
  }

  async rowDescription(row: Locator): Promise<string> {
    return (
      await row
        .locator('.label-description')
        .first()
        .innerText()
        .catch(() => '')
    ).trim();
  }

  // ---- Output panel ----

  /** The text of the Output panel's editor (the selected channel), line by line as rendered. */
  async outputText(): Promise<string> {
    const lines = this.page.locator('.part.panel .monaco-editor .view-lines');
    await lines.first().waitFor({ state: 'visible', timeout: 20_000 });
    return lines.first().innerText();
  }

  // ---- editors ----

  /** Merges every editor group into one, so that an editor opened beside has room (nothing closes). */
  async joinEditorGroups(): Promise<void> {
    await this.runCommand('View: Join All Editor Groups');
  }

  /**
   * The text of the active group's editor, line by line as rendered, once a line matches pattern.
   * Monaco renders spaces as U+00A0 and Playwright tests a regex against the raw text, so a space
   * in pattern matches either; the text comes back with plain spaces. Only lines in view render.
   */
  async editorText(pattern: RegExp, timeout = 30_000): Promise<string> {
    const editor = this.page.locator('.editor-group-container.active .monaco-editor').first();
    const spaced = new RegExp(pattern.source.replace(/ /g, '[ \\u00a0]'), pattern.flags);
    await editor.locator('.view-line', { hasText: spaced }).first().waitFor({ state: 'visible', timeout });
    // Monaco reuses line elements: their order in the DOM is not the order on screen.
    const lines = await editor
      .locator('.view-lines .view-line')
      .evaluateAll((els) =>
        els.map((e) => [parseFloat((e as HTMLElement).style.top) || 0, e.textContent ?? ''] as const),
      );
    return lines
      .sort((a, b) => a[0] - b[0])
      .map(([, text]) => text.replace(/\u00a0/g, ' '))
      .join('\n');
  }

  /**
   * Every line of the active editor's document, read as a reader would: from the top, a page at a
   * time (only lines in view are rendered). Keys that move the view only; nothing is typed.
   */
  async editorLines(timeout = 20_000): Promise<string[]> {
    const editor = this.page.locator('.editor-group-container.active .monaco-editor').first();
    // Rendered rows by their offset: the gutter's line number beside the line's text.
    // (No named functions inside evaluate: the test runner's transpiler would name them through a
    // helper that the page does not have.)
    const rendered = async (): Promise<[number, string][]> => {
      const [gutter, texts] = await editor.evaluate((root) =>
        ['.margin-view-overlays > div', '.view-lines > .view-line'].map((selector) =>
          Array.from(root.querySelectorAll(selector)).map((e): [number, string] => [
            Math.round(parseFloat((e as HTMLElement).style.top) || 0),
            e.textContent ?? '',
          ]),
        ),
      );
      const textAt = new Map(texts);
      return (gutter ?? []).flatMap(([top, number]): [number, string][] => {
        const text = textAt.get(top);
        return text !== undefined && /^\d+$/.test(number.trim()) ? [[Number(number.trim()), text]] : [];
      });
    };
    const lines = new Map<number, string>();
    const take = async () => {
      for (const [n, text] of await rendered()) lines.set(n, text.replace(/\u00a0/g, ' '));
    };
    await editor.locator('.view-lines').click({ position: { x: 2, y: 2 } });
    await this.page.keyboard.press('Control+End');
    const total = await waitUntil('the last line to render', async () => {
      const numbers = (await rendered()).map(([n]) => n);
      return numbers.length > 0 ? Math.max(...numbers) : undefined;
    });
    await this.page.keyboard.press('Control+Home');
    await waitUntil('the first line to render', async () =>
      (await rendered()).some(([n]) => n === 1) ? true : undefined,
    );
    await take();
    while (lines.size < total) {
      const known = lines.size;
      await this.page.keyboard.press('PageDown');
      await waitUntil(
        'the next page of lines to render',
        async () => {
          await take();
          return lines.size > known ? true : undefined;
        },
        timeout,
      );
    }
    return [...lines.entries()].sort((a, b) => a[0] - b[0]).map(([, text]) => text);
  }

  /** Runs an action of the active editor's title bar (an extension's editor/title menu entry). */
  async editorAction(title: string, timeout = 20_000): Promise<void> {
    const action = this.page
      .locator(`.editor-group-container.active .editor-actions a.action-label[aria-label^="${title}"]`)
      .first();
    await action.waitFor({ state: 'visible', timeout });
    await action.click();
  }

  // ---- questions (quick input), answered by their text ----

  /** Waits for the quick input to ask question (its title or message), then picks choice. */
  async answerPick(question: string | RegExp, choice: string | RegExp, timeout = 20_000): Promise<void> {
    await this.quickInput.filter({ hasText: question }).waitFor({ state: 'visible', timeout });
    await this.pick(choice, timeout);
  }

  /**
   * Waits for an input box asking question, types value (or keeps the offered one) and accepts;
   * resolves once the question is gone (a value that does not validate keeps it open: that fails).
   */
  async answerInput(question: string | RegExp, value?: string, timeout = 20_000): Promise<void> {
    const asking = this.quickInput.filter({ hasText: question });
    await asking.waitFor({ state: 'visible', timeout });
    const input = asking.locator('input').first();
    if (value !== undefined) await input.fill(value);
    await input.press('Enter');
    await asking.waitFor({ state: 'hidden', timeout });
  }

  /** The webview's content frame: VS Code nests the extension's document in #active-frame. */
  webview(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').first().frameLocator('#active-frame');
  }

  /**
   * The webview document that holds selector, among all open webviews (a hidden query panel keeps
   * its frame, so "the first webview" may be another one).
   */
  async webviewWith(selector: string, timeout = 30_000): Promise<Frame> {
    return waitUntil(
      `a webview showing ${selector}`,
      async () => {
        for (const frame of this.page.frames())
          if (
            (await frame
              .locator(selector)
              .count()
              .catch(() => 0)) > 0
          )
            return frame;
        return undefined;
      },
      timeout,
    );
  }
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export async function expectAttribute(
  loc: Locator,
  name: string,
  value: string,
  timeout: number,
): Promise<void> {
  const deadline = Date.now() + timeout;
  let last: string | null = null;
  while (Date.now() < deadline) {
    last = await loc.getAttribute(name).catch(() => null);
    if (last === value) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} stayed ${String(last)}, expected ${value}`);
}

/** Polls fn until it returns a value that is not undefined, or fails with what it last saw. */
export async function waitUntil<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeout = 20_000,
  interval = 250,
): Promise<T> {
  const deadline = Date.now() + timeout;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      lastError = e;
    }
    await new Promise((r) => setTimeout(r, interval));
  }
  throw new Error(
    `timed out after ${timeout} ms waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`,
  );
}
