// The workspace-based (App*) form of the classic Application Insights tables: the same rows under
// other names, as a Log Analytics workspace shows them to a query run in its own context.
//
// Sources: "Workspace-based resource changes" (MicrosoftDocs/azure-docs,
// articles/azure-monitor/app/apm-tables.md: the classic → workspace-based column table of each
// table) and Azure Monitor's table reference (MicrosoftDocs/azure-reference-other,
// azure-monitor-ref/tables/includes/{apprequests,apptraces,appexceptions,appdependencies}-include.md).
// Where the two disagree the table reference wins: it names the parent column `ParentId` (the older
// page says OperationParentId) and the SDK column `SDKVersion`. The older page maps exceptions to
// "AppSystemEvents"; the reference's AppExceptions (ExceptionType, OuterMessage, Details…) is served.

/** Classic table name → its workspace-based name. */
export const WORKSPACE_TABLE_OF = {
  requests: 'AppRequests',
  traces: 'AppTraces',
  exceptions: 'AppExceptions',
  dependencies: 'AppDependencies',
} as const;

export type ClassicTable = keyof typeof WORKSPACE_TABLE_OF;

const shared: [string, string][] = [
  ['Properties', 'customDimensions'],
  ['OperationName', 'operation_Name'],
  ['OperationId', 'operation_Id'],
  ['ParentId', 'operation_ParentId'],
  ['AppRoleName', 'cloud_RoleName'],
  ['AppRoleInstance', 'cloud_RoleInstance'],
  ['SDKVersion', 'sdkVersion'],
  ['ItemCount', 'itemCount'],
];

/** [workspace-based column, classic column] of each table, in the reference's order of use. */
export const WORKSPACE_COLUMNS: Record<ClassicTable, [string, string][]> = {
  requests: [
    ['TimeGenerated', 'timestamp'],
    ['Id', 'id'],
    ['Name', 'name'],
    ['Url', 'url'],
    ['Success', 'success'],
    ['ResultCode', 'resultCode'],
    ['DurationMs', 'duration'],
    ['PerformanceBucket', 'performanceBucket'],
    ...shared,
  ],
  traces: [
    ['TimeGenerated', 'timestamp'],
    ['Message', 'message'],
    ['SeverityLevel', 'severityLevel'],
    ...shared,
  ],
  exceptions: [
    ['TimeGenerated', 'timestamp'],
    ['ProblemId', 'problemId'],
    ['ExceptionType', 'type'],
    ['OuterType', 'outerType'],
    ['OuterMessage', 'outerMessage'],
    ['OuterMethod', 'outerMethod'],
    ['Method', 'method'],
    ['SeverityLevel', 'severityLevel'],
    ['InnermostType', 'innermostType'],
    ['InnermostMessage', 'innermostMessage'],
    ['Details', 'details'],
    ...shared,
  ],
  dependencies: [
    ['TimeGenerated', 'timestamp'],
    ['Id', 'id'],
    ['Target', 'target'],
    ['DependencyType', 'type'],
    ['Name', 'name'],
    ['Data', 'data'],
    ['Success', 'success'],
    ['ResultCode', 'resultCode'],
    ['DurationMs', 'duration'],
    ['PerformanceBucket', 'performanceBucket'],
    ...shared,
  ],
};

/**
 * One classic row in its workspace-based form: columns renamed, plus `_ResourceId` (the
 * component's id: "appName → _ResourceId" in the mapping page) and `Type` (the table's name).
 */
export function workspaceBasedCells(
  table: ClassicTable,
  cells: Record<string, unknown>,
  componentId: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [to, from] of WORKSPACE_COLUMNS[table]) if (from in cells) out[to] = cells[from];
  out._ResourceId = componentId.toLowerCase();
  out.Type = WORKSPACE_TABLE_OF[table];
  return out;
}
