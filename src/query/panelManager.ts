// Owns every open query panel: opens one per binding (or reveals it), knows the active one for the
// Run keybinding, and restores panels after a reload through the webview panel serializer.
import * as vscode from 'vscode';
import { Views } from '../constants';
import { defaultQuery } from '../core/kql';
import { Disposable, toDisposable } from '../disposable';
import type { BaseServices, QueryPanels } from '../services';
import { createWebviewPanel, QueryPanel } from './panel';
import {
  parsePanelState,
  presetDurations,
  type PanelBinding,
  type PanelState,
  type PresetDuration,
} from './protocol';

function bindingKey(b: PanelBinding): string {
  return JSON.stringify([b.componentId.toLowerCase(), b.scope]);
}

export class QueryPanelManager extends Disposable implements QueryPanels {
  private readonly panels = new Set<QueryPanel>();

  constructor(private readonly s: BaseServices) {
    super();
    // Panels restored after a reload come through the serializer, for as long as the manager lives.
    this.register(
      vscode.window.registerWebviewPanelSerializer(Views.traceQueryPanel, {
        deserializeWebviewPanel: (webviewPanel: vscode.WebviewPanel, saved: unknown) => {
          const state = parsePanelState(saved);
          if (!state) {
            // Nothing trustworthy to restore (older or damaged state): close rather than show a broken panel.
            this.s.log.warn('query panel: could not restore a panel from its saved state');
            webviewPanel.dispose();
            return Promise.resolve();
          }
          this.track(new QueryPanel(this.s, webviewPanel, state.binding, state));
          return Promise.resolve();
        },
      }),
    );
    this.register(
      toDisposable(() => {
        for (const p of [...this.panels]) p.dispose();
        this.panels.clear();
      }),
    );
  }

  /** Reveals the panel of this binding, or opens a new one. */
  open(binding: PanelBinding, options: { query?: string } = {}): QueryPanel {
    const key = bindingKey(binding);
    const existing = [...this.panels].find((p) => bindingKey(p.binding) === key);
    if (existing) {
      existing.reveal();
      return existing;
    }
    const state: PanelState = {
      binding,
      query: options.query ?? defaultQuery(binding.scope),
      source: 'appInsights',
      timeRange: { kind: 'preset', duration: this.defaultDuration() },
      scrollTop: 0,
      filter: '',
    };
    return this.track(new QueryPanel(this.s, createWebviewPanel(this.s, binding), binding, state));
  }

  /** The focused panel, else the one used last. */
  activePanel(): QueryPanel | undefined {
    const all = [...this.panels];
    return all.find((p) => p.active) ?? all.sort((a, b) => b.lastActiveTime - a.lastActiveTime)[0];
  }

  /** The Run keybinding (amlMonitor.runQueryInPanel): the active panel runs its current query. */
  runInActivePanel(): boolean {
    const panel = this.activePanel();
    panel?.requestRun();
    return panel !== undefined;
  }

  private track(panel: QueryPanel): QueryPanel {
    // A panel restored after the manager closed would outlive it.
    if (this.isDisposed) {
      panel.dispose();
      return panel;
    }
    this.panels.add(panel);
    panel.onDidDispose(() => this.panels.delete(panel));
    return panel;
  }

  private defaultDuration(): PresetDuration {
    const setting = this.s.settings.queryDefaultTimeRange;
    return presetDurations.find((d) => d === setting) ?? 'PT24H';
  }
}
