// Entry of the lazily loaded bundle dist/azure.js: everything that pulls in the Azure SDKs.
// The extension reaches it only through src/azureLoader.ts.
import type { AzureModule } from './api';
import { createAzureClient as createClient } from './client';
import { resolveCloud as resolve } from './clouds';
import { createCredential as credential } from './credentials';
import { configureL10n as configure } from './l10n';

export const resolveCloud: AzureModule['resolveCloud'] = resolve;
export const createCredential: AzureModule['createCredential'] = credential;
export const createAzureClient: AzureModule['createAzureClient'] = createClient;
export const configureL10n: AzureModule['configureL10n'] = configure;
export { EMULATOR_TOKEN } from './credentials';
export { AzureRequestError, isAzureRequestError } from './errors';
