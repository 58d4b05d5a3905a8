// Typed reads of the amlMonitor.* settings. Read on each use so changes apply without reload.
import * as vscode from 'vscode';
import type { AuthKind, CloudName } from './azure/api';
import { SettingKeys as Keys } from './constants';

export interface CustomCloudSetting {
  resourceManagerEndpoint?: string;
  logAnalyticsEndpoint?: string;
  portalUrl?: string;
  studioUrl?: string;
}

export class Settings {
  private get config(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration();
  }
  get cloud(): CloudName {
    return this.config.get<CloudName>(Keys.cloud, 'AzureCloud');
  }
  get customCloud(): CustomCloudSetting {
    return this.config.get<CustomCloudSetting>(Keys.customCloud, {});
  }
  get auth(): AuthKind {
    return this.config.get<AuthKind>(Keys.auth, 'vscode');
  }
  get tenant(): string | undefined {
    return this.config.get<string>(Keys.tenant, '').trim() || undefined;
  }
  get subscriptions(): string[] {
    return this.config.get<string[]>(Keys.subscriptions, []);
  }
  async setSubscriptions(ids: string[]): Promise<void> {
    await this.config.update(Keys.subscriptions, ids, vscode.ConfigurationTarget.Global);
  }
  async setTenant(tenant: string): Promise<void> {
    await this.config.update(Keys.tenant, tenant, vscode.ConfigurationTarget.Global);
  }
  get treeConcurrency(): number {
    return clamp(this.config.get<number>(Keys.treeConcurrency, 12), 1, 32);
  }
  /** Deployment rows show their last-hour figures (read from Azure Monitor only when on). */
  get treeMetricsAtAGlance(): boolean {
    return this.config.get<boolean>(Keys.treeMetricsAtAGlance, true) !== false;
  }
  get logsTailLines(): number {
    return clamp(this.config.get<number>(Keys.logsTailLines, 300), 10, 10000);
  }
  get logsPollIntervalSeconds(): number {
    return clamp(this.config.get<number>(Keys.logsPollIntervalSeconds, 5), 1, 300);
  }
  get logsMaxBackoffSeconds(): number {
    return clamp(this.config.get<number>(Keys.logsMaxBackoffSeconds, 60), 5, 600);
  }
  get queryDefaultTimeRange(): string {
    return this.config.get<string>(Keys.queryDefaultTimeRange, 'PT24H');
  }
  get queryServerTimeoutSeconds(): number {
    return clamp(this.config.get<number>(Keys.queryServerTimeoutSeconds, 180), 10, 600);
  }
  /** Fires for any amlMonitor.* change. */
  onDidChange(listener: (e: vscode.ConfigurationChangeEvent) => void): vscode.Disposable {
    return vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(Keys.section)) listener(e);
    });
  }
}

function clamp(n: number, min: number, max: number): number {
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : min;
}
