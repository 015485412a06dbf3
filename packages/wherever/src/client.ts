import {
  apiKeyAuth,
  buildMethods,
  createExecutor,
  optionOrEnv,
  ValidationError,
  type ExecutorOptions,
  type OwnDocuments,
  type Validators,
} from '@sdk/core';
import type { WaitForBatchJobOptions, WaitForBatchJobResult } from './batch-jobs.js';
import { WHEREVER_GRAPHQL_ENDPOINT } from './constants.js';
import { operations, type WhereverMethods } from './generated/operations.js';
import pkg from '../package.json' with { type: 'json' };
import { createWhereverSubscriptions, type WhereverRealtimeOptions, type WhereverSubscriptions } from './subscriptions.js';

/** Names this package in log lines and the User-Agent (inlined at build time). */
const SDK_PACKAGE = { name: pkg.name, version: pkg.version };

export interface WhereverClientOptions extends Omit<ExecutorOptions, 'endpoint' | 'auth'> {
  /**
   * Your wherever SIM API key; sent as the raw `Authorization` header value, as the API documents.
   * Default: the `WHEREVER_API_KEY` environment variable (read once, when the client is created).
   */
  apiKey?: string | undefined;
  /** Default: the documented endpoint, https://graphql.api.whereversim.de/graphql */
  endpoint?: string | undefined;
  /** Subscriptions: the real-time endpoint, protocol, reconnect policy and `onReconnect` hook. */
  realtime?: WhereverRealtimeOptions | undefined;
}

export interface WhereverBatchJobs {
  /**
   * Wait until a batch job has finished, reporting progress; resolves to the final job and its failed
   * SIMs with the documented descriptions of their failure codes. Uses `updatedBatchJob` when the
   * real-time socket is available, else polls `getBatchJob`.
   */
  waitForBatchJob(batchJobId: number, options?: WaitForBatchJobOptions): Promise<WaitForBatchJobResult>;
}

export type WhereverClient = WhereverMethods & WhereverSubscriptions & WhereverBatchJobs & OwnDocuments;

const BATCH_CHANGES = [
  'statusid',
  'custom_field_1',
  'monthly_data_limit',
  'monthly_sms_mo_limit',
  'monthly_sms_mt_limit',
  'monthly_voice_mo_limit',
  'end_customer_label',
  'imei_lock',
] as const;

/** The seed's rules for startBatchJob that the schema cannot express. */
const validators: Validators = {
  StartBatchJob(variables, emit) {
    const params = variables.params as Record<string, unknown> | undefined;
    if (!params || typeof params !== 'object') {
      throw new ValidationError('StartBatchJob: params is required', { operationName: 'StartBatchJob', field: 'variables.params' });
    }
    if (!BATCH_CHANGES.some((key) => params[key] !== undefined && params[key] !== null)) {
      throw new ValidationError(`StartBatchJob: params must contain at least one change (${BATCH_CHANGES.join(', ')})`, { operationName: 'StartBatchJob', field: 'variables.params' });
    }
    const include = params.includeIccIds;
    if (Array.isArray(include) && include.length > 0 && (params.simFilter || (Array.isArray(params.excludeIccIds) && params.excludeIccIds.length > 0))) {
      emit?.({ type: 'warning', operationName: 'StartBatchJob', message: 'includeIccIds is given, so the API ignores simFilter and excludeIccIds' });
    }
  },
};

/**
 * Creates a client for the wherever SIM API.
 *
 * ```ts
 * const wherever = createWhereverClient(); // apiKey from WHEREVER_API_KEY, or pass { apiKey }
 * for await (const sim of wherever.listSims.all({ order: { iccid: 'asc' } })) console.log(sim.iccid);
 * ```
 */
export function createWhereverClient(options: WhereverClientOptions = {}): WhereverClient {
  if (!options || typeof options !== 'object') {
    throw new ValidationError('createWhereverClient takes an options object ({ apiKey } or WHEREVER_API_KEY in the environment)', { field: 'options' });
  }
  const { apiKey: explicitKey, endpoint = WHEREVER_GRAPHQL_ENDPOINT, realtime, ...rest } = options;
  const apiKey = optionOrEnv(explicitKey, 'WHEREVER_API_KEY');
  if (typeof apiKey !== 'string' || apiKey.trim() === '') {
    throw new ValidationError(
      explicitKey === undefined ? 'apiKey is required: pass { apiKey } or set the WHEREVER_API_KEY environment variable' : 'apiKey must be a non-empty string (or leave it out to use WHEREVER_API_KEY)',
      { field: 'apiKey' },
    );
  }
  const executor = createExecutor({ sdk: SDK_PACKAGE, ...rest, endpoint, auth: apiKeyAuth(apiKey) });
  const client = buildMethods<WhereverClient>(executor, operations, { name: 'WhereverClient', validators, schema: () => import('./generated/schema.js').then((m) => m.schemaSDL) });
  // Subscriptions and helpers sit next to the generated methods; the socket opens on the first subscription.
  const extras: WhereverSubscriptions & WhereverBatchJobs = {
    ...createWhereverSubscriptions(executor, realtime),
    // Loaded on first use: most programs never wait for a batch job, so `import` does not parse it.
    waitForBatchJob: (batchJobId, waitOptions) => import('./batch-jobs.js').then((jobs) => jobs.waitForBatchJob(client, batchJobId, waitOptions)),
  };
  for (const [key, value] of Object.entries(extras)) Object.defineProperty(client, key, { value, enumerable: true });
  return client;
}
