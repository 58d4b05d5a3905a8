// The tree's words, localized once and handed to the pure presentation code.
import * as vscode from 'vscode';
import type { PresentationStrings } from '../core/treePresentation';
import { errorAction, presentKind } from '../errorPresentation';
import type { EmptyReason, Failure } from './model';

export function presentationStrings(): PresentationStrings {
  return {
    appInsightsOn: vscode.l10n.t('App Insights on'),
    appInsightsOff: vscode.l10n.t('App Insights off'),
    updating: vscode.l10n.t('Updating…'),
    overdue: vscode.l10n.t("Still updating past Azure's stated time"),
    noTraffic: vscode.l10n.t('no traffic'),
    trafficPercent: (percent) => vscode.l10n.t('{0}% traffic', percent),
    instances: (instanceType, count) => vscode.l10n.t('{0} × {1}', instanceType, count),
    legacyGroup: vscode.l10n.t('Web services (v1)'),
    fromIndex: vscode.l10n.t(
      'From the Azure Resource Graph index, which can lag a recent change by minutes. Refresh reads it from Azure.',
    ),
    glance: {
      p95: (duration) => vscode.l10n.t('p95 {0}', duration),
      perMinute: (count) => vscode.l10n.t('{0}/min', count),
      serverErrors: (percent) => vscode.l10n.t('5xx {0}%', percent),
      lastHour: vscode.l10n.t('Last hour'),
      noData: vscode.l10n.t('no metrics data'),
    },
    labels: {
      subscriptionId: vscode.l10n.t('Subscription ID'),
      tenantId: vscode.l10n.t('Tenant ID'),
      state: vscode.l10n.t('State'),
      location: vscode.l10n.t('Location'),
      resourceGroup: vscode.l10n.t('Resource group'),
      appInsightsResource: vscode.l10n.t('Application Insights resource'),
      none: vscode.l10n.t('none'),
      authMode: vscode.l10n.t('Authentication'),
      scoringUri: vscode.l10n.t('Scoring URI'),
      traffic: vscode.l10n.t('Traffic'),
      instanceType: vscode.l10n.t('Instance type'),
      instanceCount: vscode.l10n.t('Instances'),
      model: vscode.l10n.t('Model'),
      computeType: vscode.l10n.t('Compute'),
      appInsights: vscode.l10n.t('Application Insights'),
      description: vscode.l10n.t('Description'),
    },
  };
}

/** The short label of an error node: which list could not be read. */
export function failureLabel(f: Failure): string {
  switch (f.list) {
    case 'subscriptions':
      return vscode.l10n.t('Could not list subscriptions');
    case 'workspaces':
      return vscode.l10n.t('Could not list workspaces');
    case 'endpoints':
      return vscode.l10n.t('Could not list online endpoints');
    case 'legacyServices':
      return vscode.l10n.t('Could not list web services (v1)');
    case 'deployments':
      return vscode.l10n.t('Could not list deployments');
  }
}

/** Why, in the user's terms, and what clicking the item does (from the one error table). */
export function failureReason(f: Failure): string {
  return `${presentKind(f.kind).short} ${errorAction(f.action).clickHint}`;
}

export function emptyLabel(reason: EmptyReason): string {
  switch (reason) {
    case 'noWorkspaces':
      return vscode.l10n.t('No Azure Machine Learning workspaces');
    case 'noServices':
      return vscode.l10n.t('No online endpoints or web services');
    case 'noDeployments':
      return vscode.l10n.t('No deployments');
    case 'filtered':
      return vscode.l10n.t('Nothing here matches the tree filter');
  }
}
