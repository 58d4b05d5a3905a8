// Turns the amlMonitor.auth setting into a TokenCredential. @azure/identity is only reached here,
// inside the lazily loaded bundle.
import * as l10n from '@vscode/l10n';
import { AzureCliCredential, DefaultAzureCredential } from '@azure/identity';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import type { CloudEndpoints, CredentialOptions, SessionTokenProvider } from './api';
import { isLoopbackUrl, requestEndpointsOf } from './clouds';
import { AzureRequestError } from './errors';

/** Issuer of the local emulator's tokens. Not a secret: they only open loopback emulators. */
export const EMULATOR_TOKEN = 'amlmonitor-emulator-token';

/**
 * A token of the local emulator for one audience, shaped like an Entra access token (a JWT whose
 * `aud` names the resource) so that the emulator can refuse a token meant for another service, as
 * ARM and the Logs API do. Unsigned: it proves nothing and opens nothing but a loopback emulator.
 */
export function emulatorToken(audience: string, expiresOnTimestamp: number): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
  return [
    part({ alg: 'none', typ: 'JWT' }),
    part({ iss: EMULATOR_TOKEN, aud: audienceOf(audience), exp: Math.floor(expiresOnTimestamp / 1000) }),
    'unsigned',
  ].join('.');
}

/** The audience of an emulator token, or undefined for anything the emulator did not issue. */
export function emulatorTokenAudience(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      iss?: unknown;
      aud?: unknown;
    };
    return claims.iss === EMULATOR_TOKEN && typeof claims.aud === 'string' ? claims.aud : undefined;
  } catch {
    return undefined;
  }
}

/** A scope (`https://host/.default`) or resource URL as the audience a token carries: no trailing slash. */
export function audienceOf(scopeOrResource: string): string {
  return scopeOrResource.replace(/\/\.default$/, '').replace(/\/+$/, '');
}

const ONE_HOUR_MS = 60 * 60 * 1000;

export function createCredential(options: CredentialOptions): TokenCredential {
  const { cloud, tenant } = options;
  switch (options.kind) {
    case 'vscode': {
      if (!options.vscodeSession) {
        throw new AzureRequestError({
          operation: l10n.t('Set up VS Code sign-in'),
          kind: 'config',
          azureMessage: l10n.t('No VS Code session provider was given for auth "vscode".'),
        });
      }
      return new VSCodeSessionCredential(options.vscodeSession, tenant);
    }
    case 'azureCli':
      return new AzureCliCredential(tenant ? { tenantId: tenant } : {});
    case 'default':
      return new DefaultAzureCredential({
        ...(tenant ? { tenantId: tenant } : {}),
        authorityHost: cloud.authorityHost,
      });
    case 'emulator':
      assertLoopbackCloud(cloud);
      return {
        getToken: (scopes) => {
          const scope = (Array.isArray(scopes) ? scopes[0] : scopes) ?? '';
          const expiresOnTimestamp = Date.now() + ONE_HOUR_MS;
          return Promise.resolve({ token: emulatorToken(scope, expiresOnTimestamp), expiresOnTimestamp });
        },
      };
    default:
      throw new AzureRequestError({
        operation: l10n.t('Set up Azure sign-in'),
        kind: 'config',
        azureMessage: l10n.t(
          'Unknown amlMonitor.auth value "{0}"; use vscode, azureCli, default or emulator.',
          String(options.kind),
        ),
      });
  }
}

/** The emulator token must never be offered to a real Azure endpoint. */
function assertLoopbackCloud(cloud: CloudEndpoints): void {
  const remote = requestEndpointsOf(cloud).filter((url) => !isLoopbackUrl(url));
  if (remote.length > 0) {
    throw new AzureRequestError({
      operation: l10n.t('Use emulator sign-in'),
      kind: 'config',
      azureMessage: l10n.t(
        'amlMonitor.auth "emulator" only works when every endpoint is on this machine (127.0.0.1, ::1 or localhost); {0} is not. Set amlMonitor.cloud to Custom with loopback endpoints, or choose another amlMonitor.auth.',
        remote.join(', '),
      ),
    });
  }
}

/** VS Code's Microsoft sign-in as a TokenCredential: one session lookup per scope the SDK asks for. */
class VSCodeSessionCredential implements TokenCredential {
  constructor(
    private readonly provider: SessionTokenProvider,
    private readonly tenant: string | undefined,
  ) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    const scopeList = Array.isArray(scopes) ? scopes : [scopes];
    // A challenge can name the tenant the resource lives in; it wins over the setting.
    const tenant = options?.tenantId ?? this.tenant;
    const session = await this.provider(scopeList, { ...(tenant ? { tenant } : {}), createIfNone: false });
    if (!session) {
      throw new AzureRequestError({
        operation: l10n.t('Get a token from VS Code'),
        kind: 'signIn',
        azureMessage: tenant
          ? l10n.t('Not signed in to Microsoft for {0} in tenant {1}.', scopeList.join(' '), tenant)
          : l10n.t('Not signed in to Microsoft for {0}.', scopeList.join(' ')),
      });
    }
    return {
      token: session.accessToken,
      expiresOnTimestamp:
        session.expiresOnTimestamp ?? jwtExpiry(session.accessToken) ?? Date.now() + ONE_HOUR_MS,
      tokenType: 'Bearer',
    };
  }
}

/** The `exp` claim of a JWT in ms, so the pipeline refreshes the token before it really expires. */
export function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
