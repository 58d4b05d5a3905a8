// Which of an online endpoint's log categories no diagnostic setting sends yet, and a free name
// for a new setting. Category names: Azure Monitor's supported-logs reference for
// Microsoft.MachineLearningServices/workspaces/onlineEndpoints.

export const ENDPOINT_LOG_CATEGORIES = [
  'AmlOnlineEndpointConsoleLog',
  'AmlOnlineEndpointTrafficLog',
  'AmlOnlineEndpointEventLog',
] as const;

export interface SettingCoverage {
  name: string;
  categories: string[];
  /** allLogs covers every category of the resource; audit covers none of these. */
  categoryGroups: string[];
}

/** Categories no existing setting sends: creating a setting for only these never duplicates one. */
export function missingCategories(settings: readonly SettingCoverage[]): string[] {
  const covered = new Set<string>();
  for (const s of settings) {
    if (s.categoryGroups.some((g) => g.toLowerCase() === 'alllogs'))
      for (const c of ENDPOINT_LOG_CATEGORIES) covered.add(c.toLowerCase());
    for (const c of s.categories) covered.add(c.toLowerCase());
  }
  return ENDPOINT_LOG_CATEGORIES.filter((c) => !covered.has(c.toLowerCase()));
}

const BASE_NAME = 'amlmonitor-endpoint-logs';

/** A setting name not yet taken on the resource. */
export function settingNameFor(settings: readonly { name: string }[]): string {
  const taken = new Set(settings.map((s) => s.name.toLowerCase()));
  if (!taken.has(BASE_NAME)) return BASE_NAME;
  for (let i = 2; ; i++) if (!taken.has(`${BASE_NAME}-${i}`)) return `${BASE_NAME}-${i}`;
}
