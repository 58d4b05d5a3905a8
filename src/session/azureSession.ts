// The signed-in connection to Azure. Reads the settings, loads the Azure bundle on the first
// getClient(), builds the credential (VS Code's Microsoft sign-in by default) and keeps one client
// until a setting or the sign-in changes.
import * as vscode from 'vscode';
import type { AzureClient, CloudEndpoints, SessionTokenProvider } from '../azure/api';
// clouds.ts has no SDK import: cloud() works without loading the Azure bundle.
import { resolveCloud } from '../azure/clouds';
import { AzureRequestError, isAzureRequestError } from '../azure/errors';
import { Disposable, toDisposable } from '../disposable';
import { loadAzure } from '../azureLoader';
import { ContextKeys, SettingKeys } from '../constants';
import type { AzureSession } from '../services';
import type { Settings } from '../settings';
import type { UserInput } from '../ui';

/** VS Code serves the public cloud as 'microsoft' and national clouds as 'microsoft-sovereign-cloud'. */
const PUBLIC_PROVIDER = 'microsoft';
const SOVEREIGN_PROVIDER = 'microsoft-sovereign-cloud';

const SESSION_SETTINGS = [SettingKeys.cloud, SettingKeys.customCloud, SettingKeys.auth, SettingKeys.tenant];

export class AzureSessionImpl extends Disposable implements AzureSession {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private client: AzureClient | undefined;
  private building: Promise<AzureClient> | undefined;
  /** Bumped on every reset, so a client built under old settings is not kept. */
  private generation = 0;

  constructor(
    private readonly settings: Settings,
    private readonly log: vscode.LogOutputChannel,
    private readonly ui: UserInput,
  ) {
    super();
    this.register(
      settings.onDidChange((e) => {
        if (SESSION_SETTINGS.some((key) => e.affectsConfiguration(key))) this.reset('settings changed');
      }),
    );
    this.register(
      vscode.authentication.onDidChangeSessions((e) => {
        if (this.settings.auth === 'vscode' && e.provider.id === this.providerId())
          this.reset('Microsoft sign-in changed');
      }),
    );
    this.register(toDisposable(() => (this.client = undefined)));
  }

  cloud(): CloudEndpoints {
    return resolveCloud(this.settings.cloud, this.settings.customCloud);
  }

  async getClient(options?: { createIfNone?: boolean }): Promise<AzureClient> {
    if (this.client) return this.client;
    const createIfNone = options?.createIfNone ?? false;
    const generation = this.generation;
    // Concurrent silent callers (the tree loads nodes in parallel) share one build.
    const build = createIfNone ? this.buildClient(true) : (this.building ??= this.buildClient(false));
    try {
      const client = await build;
      if (generation === this.generation) {
        this.client ??= client;
        this.setSignedIn(true);
      }
      return client;
    } catch (e) {
      if (isAzureRequestError(e) && e.kind === 'signIn') this.setSignedIn(false);
      throw e;
    } finally {
      if (!createIfNone && this.building === build) this.building = undefined;
    }
  }

  async isSignedIn(): Promise<boolean> {
    // CLI, default and emulator credentials cannot be checked without a request; they fail later
    // with a clear error if they do not work.
    if (this.settings.auth !== 'vscode') {
      this.setSignedIn(true);
      return true;
    }
    let signedIn: boolean;
    try {
      signedIn =
        (await this.getSession([this.cloud().resourceManagerScope], this.settings.tenant, false)) !==
        undefined;
    } catch (e) {
      this.log.info(`isSignedIn: ${e instanceof Error ? e.message : String(e)}`);
      signedIn = false;
    }
    this.setSignedIn(signedIn);
    return signedIn;
  }

  async signIn(): Promise<void> {
    const auth = this.settings.auth;
    if (auth === 'vscode') {
      await this.getSession([this.cloud().resourceManagerScope], this.settings.tenant, true);
      this.setSignedIn(true);
      this.reset('signed in');
      return;
    }
    if (auth === 'azureCli') {
      void this.ui.notify(
        'info',
        vscode.l10n.t(
          'Authentication uses the Azure CLI (setting amlMonitor.auth). Run "az login" in a terminal, then refresh.',
        ),
      );
    } else if (auth === 'default') {
      void this.ui.notify(
        'info',
        vscode.l10n.t(
          'Authentication uses DefaultAzureCredential (setting amlMonitor.auth): environment variables, managed identity or the Azure CLI. Set one of them up, then refresh.',
        ),
      );
    }
    this.reset('sign-in requested');
  }

  private async buildClient(createIfNone: boolean): Promise<AzureClient> {
    const azure = await loadAzure();
    azure.configureL10n(vscode.l10n.bundle);
    const cloud = azure.resolveCloud(this.settings.cloud, this.settings.customCloud);
    const kind = this.settings.auth;
    const tenant = this.settings.tenant;
    if (kind === 'vscode') {
      // Fail here with a sign-in error rather than later inside a request.
      const session = await this.getSession([cloud.resourceManagerScope], tenant, createIfNone);
      if (!session) {
        throw new AzureRequestError({
          operation: vscode.l10n.t('Connect to Azure'),
          kind: 'signIn',
          azureMessage: vscode.l10n.t('You are not signed in to Microsoft in VS Code.'),
        });
      }
    }
    const credential = azure.createCredential({ kind, cloud, tenant, vscodeSession: this.tokenProvider });
    this.log.info(`Azure client: cloud ${cloud.name}, auth ${kind}${tenant ? `, tenant ${tenant}` : ''}`);
    return azure.createAzureClient({
      cloud,
      credential,
      log: (level, message) => this.log[level](message),
      userAgentPrefix: `VSCode/${vscode.version}`,
    });
  }

  /** Tokens for the scopes each SDK asks for; never prompts (a prompt comes only from signIn/getClient). */
  private readonly tokenProvider: SessionTokenProvider = async (scopes, options) => {
    const session = await this.getSession(scopes, options.tenant, options.createIfNone);
    return session ? { accessToken: session.accessToken } : undefined;
  };

  private async getSession(
    scopes: string[],
    tenant: string | undefined,
    createIfNone: boolean,
  ): Promise<vscode.AuthenticationSession | undefined> {
    // VS Code's Microsoft provider takes the tenant as a pseudo-scope.
    const allScopes = tenant ? [...scopes, `VSCODE_TENANT:${tenant}`] : scopes;
    try {
      return createIfNone
        ? await vscode.authentication.getSession(this.providerId(), allScopes, { createIfNone: true })
        : await vscode.authentication.getSession(this.providerId(), allScopes, { silent: true });
    } catch (e) {
      // Dismissed prompts, and national clouds whose provider is not configured, land here.
      throw new AzureRequestError({
        operation: vscode.l10n.t('Sign in to Azure'),
        kind: 'signIn',
        azureMessage: e instanceof Error ? e.message : String(e),
        cause: e,
      });
    }
  }

  private providerId(): string {
    const cloud = this.settings.cloud;
    return cloud === 'AzureChinaCloud' || cloud === 'AzureUSGovernment'
      ? SOVEREIGN_PROVIDER
      : PUBLIC_PROVIDER;
  }

  private reset(reason: string): void {
    this.generation++;
    this.client = undefined;
    this.building = undefined;
    this.log.info(`Azure session reset: ${reason}`);
    this.changed.fire();
  }

  private setSignedIn(value: boolean): void {
    void vscode.commands.executeCommand('setContext', ContextKeys.signedIn, value);
  }
}
