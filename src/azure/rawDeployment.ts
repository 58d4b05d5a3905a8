// Application Insights on a v2 deployment: the deployment is read as raw JSON and written back with
// exactly one property changed. @azure/arm-machinelearning 2.1.1 serializes only what its
// 2022-10-01 models know, so a PUT through it silently drops newer settings (dataCollector,
// startupProbe, anything later) and the service may then turn them off.
import { createHttpPoller, type LongRunningOperation, type LroResponse } from '@azure/core-lro';
import type { DeploymentRef, LongRunningOptions } from './models';
import { deadlineSignal, operationTimedOut, operationTimeLimit } from './operationDeadline';
import type { JsonClient, JsonResponse } from './pipeline';
import { untilAborted } from './timing';

/**
 * One api-version for the GET and the PUT. Checked in Azure/azure-rest-api-specs,
 * specification/machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable/
 * 2025-09-01/mfe.json: its OnlineDeployment knows dataCollector and startupProbe, and its PUT is the
 * same long-running operation (201 + Azure-AsyncOperation, final state from the original URI). The
 * later stable 2025-12-01 defines OnlineDeployment identically, so the version out longer (in more
 * regions and clouds) is the safer one.
 */
export const DEPLOYMENT_API_VERSION = '2025-09-01';

/** The deployment as the service returns it: every member kept, known or not. */
export interface RawDeployment {
  id?: string;
  name?: string;
  location?: string;
  sku?: { capacity?: number } & Record<string, unknown>;
  properties?: Record<string, unknown>;
  [member: string]: unknown;
}

export function deploymentUrl(resourceManagerEndpoint: string, ref: DeploymentRef): string {
  const path =
    `/subscriptions/${encodeURIComponent(ref.subscriptionId)}` +
    `/resourceGroups/${encodeURIComponent(ref.resourceGroup)}` +
    `/providers/Microsoft.MachineLearningServices/workspaces/${encodeURIComponent(ref.workspaceName)}` +
    `/onlineEndpoints/${encodeURIComponent(ref.endpointName)}` +
    `/deployments/${encodeURIComponent(ref.deploymentName)}`;
  return `${resourceManagerEndpoint.replace(/\/+$/, '')}${path}?api-version=${DEPLOYMENT_API_VERSION}`;
}

/**
 * The body to PUT: the GET body with `properties.appInsightsEnabled` set and nothing else changed.
 * Members the spec marks read-only (id, name, type, systemData, properties.provisioningState) are
 * left out; every other member, known to us or not, goes back as it came.
 */
export function withAppInsights(current: RawDeployment, enabled: boolean): RawDeployment {
  const { id: _id, name: _name, type: _type, systemData: _systemData, ...writable } = current;
  const { provisioningState: _state, ...properties } = current.properties ?? {};
  return { ...writable, properties: { ...properties, appInsightsEnabled: enabled } };
}

export class RawDeployments {
  constructor(
    private readonly json: JsonClient,
    private readonly resourceManagerEndpoint: string,
  ) {}

  async get(ref: DeploymentRef, abortSignal?: AbortSignal): Promise<RawDeployment> {
    const { body } = await this.json.send<RawDeployment>(
      'GET',
      deploymentUrl(this.resourceManagerEndpoint, ref),
      { abortSignal },
    );
    return body ?? {};
  }

  /**
   * GET, PUT with the flag changed, then follow the long-running operation with @azure/core-lro, the
   * engine behind the SDK's poller: Azure-AsyncOperation polling, Retry-After, "Failed" as an error,
   * and the final body read from the resource URL. Returns that final body. Following stops at the
   * time the PUT's x-ms-async-operation-timeout states (operationDeadline.ts): then it rejects with
   * kind 'timedOut' and the update is left to Azure.
   */
  async setAppInsights(
    ref: DeploymentRef,
    enabled: boolean,
    options: LongRunningOptions = {},
  ): Promise<RawDeployment> {
    const { abortSignal } = options;
    const url = deploymentUrl(this.resourceManagerEndpoint, ref);
    const body = withAppInsights(await this.get(ref, abortSignal), enabled);
    let timeoutHeader: string | undefined;
    const lro: LongRunningOperation<RawDeployment> = {
      requestPath: url,
      requestMethod: 'PUT',
      sendInitialRequest: async () => {
        const response = await this.json.send<RawDeployment>('PUT', url, { body, abortSignal });
        timeoutHeader = response.headers.get('x-ms-async-operation-timeout');
        return toLro(response);
      },
      sendPollRequest: async (path, pollOptions) =>
        toLro(
          await this.json.send<RawDeployment>('GET', path, {
            abortSignal: (pollOptions?.abortSignal as AbortSignal | undefined) ?? abortSignal,
          }),
        ),
    };
    const poller = await createHttpPoller<RawDeployment, never>(lro, {
      resourceLocationConfig: 'original-uri',
      ...(options.pollIntervalMs !== undefined ? { intervalInMs: options.pollIntervalMs } : {}),
    });
    options.onAccepted?.();
    const limit = operationTimeLimit(timeoutHeader);
    const deadline = deadlineSignal(limit, abortSignal);
    try {
      // Aborting (or the deadline) stops the waiting only; the update goes on in Azure.
      const final = await untilAborted(
        poller.pollUntilDone({ abortSignal: deadline.signal }),
        deadline.signal,
      );
      return final ?? (await this.get(ref, abortSignal));
    } catch (e) {
      if (deadline.expired()) throw operationTimedOut(limit);
      throw e;
    } finally {
      deadline.dispose();
      if (!poller.isDone()) poller.stopPolling();
    }
  }
}

function toLro<T>(response: JsonResponse<T>): LroResponse<T> {
  return {
    flatResponse: response.body,
    rawResponse: { statusCode: response.status, headers: response.headers.toJSON(), body: response.body },
  };
}
