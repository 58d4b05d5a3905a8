// The one door to the Azure bundle. esbuild rewrites './azure/index' here into an external
// require('./azure.js'), so activation never parses the Azure SDKs (scripts/build.mjs).
import type { AzureModule } from './azure/api';

let loading: Promise<AzureModule> | undefined;

export function loadAzure(): Promise<AzureModule> {
  loading ??= import('./azure/index').then((m) => m as AzureModule);
  return loading;
}
