/**
 * `@sdk/totogi/testing`: a stateful fake of the Totogi Charging-as-a-Service API and of the Cognito
 * login in front of it, for your unit tests.
 *
 * ```ts
 * const api = createTotogiMock({ accounts: [{ id: 'acc-1', balance: 10 }] });
 * const server = setupServer(...api.handlers);                       // msw
 * const totogi = createTotogiClient(api.clientOptions);             // or, over loopback: (await api.listen()).clientOptions
 * await totogi.getAccount({ providerId: api.providerId, accountId: 'acc-1' });
 * ```
 */
import { createGraphQLFake, mswHandlers, startFakeServer, type FakeAuthControls, type FakeKit, type FakeRequest, type ListeningFake, type OperationReply as KitReply } from '@sdk/core/testing';
import type { TotogiClientOptions } from '../client.js';
import { buildSchema, GraphQLError, isUnionType, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { http, HttpResponse } from 'msw';
import { cognitoEndpointFor, TOTOGI_GRAPHQL_ENDPOINT } from '../constants.js';
import { API_ERROR_TYPENAMES, type OperationTypes } from '../generated/operations.js';
import { schemaSDL } from '../generated/schema.js';
import { FakeCognito } from './cognito.js';
import { createResolvers, type ResolverContext } from './resolvers.js';
import { errorMember, TotogiState, type TotogiStateOptions } from './state.js';

export { TotogiState, connection, errorMember, invalidField } from './state.js';
export type * from './state.js';
export { FakeCognito, type CognitoRequestRecord, type IssuedTokens } from './cognito.js';
export type { AuthCall, Fault, FakeAuthControls, FakeKit, ListeningFake, RecordedRequest, RunningServer } from '@sdk/core/testing';

export type OperationName = keyof OperationTypes;

/** A typed reply for one operation: its data, GraphQL errors, an HTTP status, a delay or a dropped connection. */
export type OperationReply<K extends OperationName> = KitReply<OperationTypes[K]['data']>;

export interface TotogiMockOptions extends TotogiStateOptions {
  /** GraphQL endpoint the msw handlers answer. Default: the real endpoint, so a client with default options hits the fake. */
  endpoint?: string;
  /** Region of the fake user pool. Default `us-east-1`. */
  region?: string;
  /** Cognito endpoint the msw handlers answer. Default `https://cognito-idp.<region>.amazonaws.com/`. */
  cognitoEndpoint?: string;
  /** The one Cognito user. Defaults: `api-user@example.com` / `Correct-Horse-9` / client `fakeclientid0123456789abcd`. */
  username?: string;
  password?: string;
  clientId?: string;
  /** When set, every InitiateAuth must carry a valid SECRET_HASH. */
  clientSecret?: string;
  /** Lifetime of issued access/ID tokens. Default 3600 s (keep it above the client's 30 s renewal skew). */
  tokenTtlSeconds?: number;
}

/** What a test passes as `auth` to createTotogiClient to log in to the fake. */
export interface TotogiMockCredentials {
  username: string;
  password: string;
  clientId: string;
  clientSecret?: string;
  region: string;
  cognitoEndpoint: string;
}

/** Cognito credentials of the fake user and the fake's GraphQL endpoint. */
export type TotogiFakeClientOptions = TotogiClientOptions & { auth: TotogiMockCredentials; endpoint: string };

/** The Totogi kit: the shared vocabulary (see FakeKit in `@sdk/core/testing`) plus Totogi's own parts. */
export interface TotogiMock extends FakeKit<OperationTypes, TotogiState, TotogiFakeClientOptions> {
  /** The tenant the fake user belongs to; other providerIds are refused as unauthorized. */
  readonly providerId: string;
  /**
   * The Cognito credentials; after `listen()` (until that server closes) `cognitoEndpoint` points at the
   * loopback Cognito, so `{ auth: api.credentials, endpoint: server.endpoint }` works too.
   */
  readonly credentials: TotogiMockCredentials;
  /** Token controls, as every kit has them: `logins`, `refreshes`, `calls`, `expireTokens()`, `refuseRefresh()`, `failNext()`. */
  readonly auth: FakeAuthControls;
  /** The fake Cognito itself: its `requests` (with SECRET_HASH), `revokeRefreshTokens()`, `issueTokens()`, `tokenTtlSeconds`. */
  readonly cognito: FakeCognito;
  /**
   * The next `count` operations (optionally only `operationName`) answer the RateLimitExceeded member;
   * operations whose result has no such member get a throttling GraphQL error instead.
   */
  rateLimitNext(count: number, options?: { operationName?: OperationName }): void;
  /** Like rateLimitNext, with InternalServerError (`ChargeEngineNotAvailable`). */
  internalErrorNext(count: number, options?: { operationName?: OperationName }): void;
  /** Serve the fake over real HTTP on loopback: `/graphql` and `/cognito`. */
  listen(options?: { port?: number }): Promise<ListeningFake<TotogiFakeClientOptions> & { cognitoEndpoint: string }>;
}

const ALL_ROLES = ['Account_Query', 'Account_Admin', 'Data_Admin', 'Plan_Query', 'Plan_Designer', 'Plan_Publisher', 'Tenant_Admin', 'Network_Admin', 'Network_Operator', 'Plan_Admin'];
const BLOCKED_STAGES = new Set(['SUSPENDED', 'TERMINATED', 'DELETED']);
const ERROR_TYPENAMES: ReadonlySet<string> = new Set(API_ERROR_TYPENAMES);

// Building the 4,000-line SDL takes ~100 ms; schemas are immutable, so every mock shares one.
let cachedSchema: GraphQLSchema | undefined;

interface FieldShape {
  kind: 'Query' | 'Mutation';
  /** Members of the result union, when the result is one. */
  members: readonly string[] | undefined;
  success: string | undefined;
}

export function createTotogiMock(options: TotogiMockOptions = {}): TotogiMock {
  const endpoint = options.endpoint ?? TOTOGI_GRAPHQL_ENDPOINT;
  const region = options.region ?? 'us-east-1';
  const cognitoEndpoint = options.cognitoEndpoint ?? cognitoEndpointFor(region);
  const username = options.username ?? 'api-user@example.com';
  const password = options.password ?? 'Correct-Horse-9';
  const clientId = options.clientId ?? 'fakeclientid0123456789abcd';
  const state = new TotogiState(options);
  const providerId = state.providerId;
  if (![...state.users.values()].some((u) => u.email === username)) {
    state.addUser({ email: username, name: 'API user', roleGroupMemberships: ALL_ROLES, jobTitle: 'Integration' });
  }
  const cognito = new FakeCognito({
    username,
    password,
    clientId,
    clientSecret: options.clientSecret,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
    claims: { 'cognito:groups': [`Provider_${providerId}`, ...ALL_ROLES] },
    now: state.now,
  });

  const schema = (cachedSchema ??= buildSchema(schemaSDL));
  const shapes = new Map<string, FieldShape>();
  for (const kind of ['Query', 'Mutation'] as const) {
    const type = schema.getType(kind) as GraphQLObjectType;
    for (const field of Object.values(type.getFields())) {
      let t = field.type;
      while ('ofType' in t) t = t.ofType;
      const members = isUnionType(t) ? t.getTypes().map((m) => m.name) : undefined;
      shapes.set(field.name, { kind, members, success: members?.find((m) => !ERROR_TYPENAMES.has(m)) });
    }
  }

  const faults: { remaining: number; member: 'RateLimitExceeded' | 'InternalServerError'; operationName?: string | undefined }[] = [];
  function takeFault(operationName: string): 'RateLimitExceeded' | 'InternalServerError' | undefined {
    const fault = faults.find((f) => f.operationName === undefined || f.operationName === operationName);
    if (!fault) return undefined;
    if (--fault.remaining <= 0) faults.splice(faults.indexOf(fault), 1);
    return fault.member;
  }

  const impl = createResolvers(state);
  const root: Record<string, unknown> = {};
  for (const [name, shape] of shapes) {
    const resolve = impl[name];
    if (!resolve) throw new Error(`the Totogi fake has no resolver for ${name}`);
    root[name] = async (args: Record<string, unknown>, ctx: ResolverContext) => {
      const operationName = ctx.operationName ?? name[0]!.toUpperCase() + name.slice(1);
      // Totogi scopes every call by providerId, checked against the caller's Provider_{id} group.
      const input = (args.input ?? args.from ?? args.getUserInput ?? args) as { providerId?: unknown };
      if (input.providerId !== undefined && String(input.providerId) !== providerId) {
        throw new GraphQLError(`Not Authorized to access ${name} on type ${shape.kind}`, { extensions: { errorType: 'Unauthorized' } });
      }
      const fault = takeFault(operationName);
      if (fault === 'RateLimitExceeded') {
        if (shape.members?.includes(fault)) return errorMember(fault, { providerId, retryAfter: state.iso(state.now() + 1000) }, 'Rate limit exceeded');
        throw new GraphQLError('Rate limit exceeded', { extensions: { errorType: 'ThrottlingException' } });
      }
      if (fault === 'InternalServerError') {
        if (shape.members?.includes(fault)) return errorMember(fault, {}, 'The charge engine is not available at this time.', 'ChargeEngineNotAvailable');
        throw new GraphQLError('Internal server error', { extensions: { errorType: 'InternalFailure' } });
      }
      const stage = state.providerConfig.lifecycleStage;
      if (BLOCKED_STAGES.has(stage) && shape.members?.includes('InvalidProviderLifecycleStage')) {
        return errorMember('InvalidProviderLifecycleStage', { providerLifecycleStage: stage }, `The provider is ${stage}`);
      }
      const out = await resolve(args, ctx);
      if (shape.success && out && typeof out === 'object' && !('__typename' in out)) (out as Record<string, unknown>).__typename = shape.success;
      return out;
    };
  }

  const contextOf = (request: FakeRequest): ResolverContext => {
    const verified = cognito.verify(request.headers.authorization);
    let operationName: string | null = null;
    try {
      const name = (JSON.parse(request.body) as { operationName?: unknown }).operationName;
      if (typeof name === 'string') operationName = name;
    } catch {
      // the fake already answered 400 for a body that is not JSON
    }
    const user = verified.ok ? [...state.users.values()].find((u) => u.email === verified.username) : undefined;
    return { user, operationName };
  };

  const fake = createGraphQLFake<ResolverContext>({
    schema,
    root,
    context: contextOf,
    authorize(request) {
      const verified = cognito.verify(request.headers.authorization);
      if (verified.ok) return undefined;
      // What AppSync answers for Cognito user-pool auth.
      const message = verified.reason === 'missing' ? 'Valid authorization header not provided.' : verified.reason === 'expired' ? 'Token has expired.' : 'Unable to parse JWT token.';
      return { status: 401, errors: [{ errorType: 'UnauthorizedException', message }] };
    },
  });

  const cognitoHandler = http.post(cognitoEndpoint, async ({ request }) => {
    const headers: Record<string, string> = {};
    request.headers.forEach((value, key) => {
      headers[key] = value;
    });
    const res = cognito.handle({ headers, body: await request.text() });
    return new HttpResponse(res.body, { status: res.status, headers: res.headers });
  });

  const credentials: TotogiMockCredentials = { username, password, clientId, ...(options.clientSecret ? { clientSecret: options.clientSecret } : {}), region, cognitoEndpoint };
  const auth: FakeAuthControls = {
    get calls() {
      return cognito.requests.map((r) => ({ kind: r.authFlow === 'REFRESH_TOKEN_AUTH' ? ('refresh' as const) : ('login' as const), status: r.status }));
    },
    get logins() {
      return cognito.logins.length;
    },
    get refreshes() {
      return cognito.refreshes.length;
    },
    expireTokens: () => cognito.expireTokens(),
    refuseRefresh: (count) => cognito.refuseRefresh(count),
    allowRefresh: () => cognito.refuseRefresh(0),
    failNext: (count, status) => cognito.failNext(count, status),
  };

  return {
    endpoint,
    providerId,
    credentials,
    get clientOptions() {
      return { auth: { ...credentials }, endpoint };
    },
    handlers: [...mswHandlers(fake, endpoint), cognitoHandler],
    state,
    auth,
    cognito,
    requests: fake.requests,
    requestsOf: (name) => fake.requests.filter((r) => r.operationName === name) as never,
    failNext: (count, fault, opts) => fake.failNext(count, fault, opts),
    override: (name, reply) => fake.override(name, reply as never),
    rateLimitNext(count, opts = {}) {
      faults.push({ remaining: count, member: 'RateLimitExceeded', operationName: opts.operationName });
    },
    internalErrorNext(count, opts = {}) {
      faults.push({ remaining: count, member: 'InternalServerError', operationName: opts.operationName });
    },
    async listen(opts = {}) {
      const server = await startFakeServer(
        {
          '/graphql': fake,
          '/cognito': async (request) => (request.method === 'POST' ? cognito.handle(request) : undefined),
        },
        opts,
      );
      const local = { endpoint: `${server.url}/graphql`, cognitoEndpoint: `${server.url}/cognito` };
      // The mock's credentials follow the server while it runs: a client built from them finds the local Cognito.
      credentials.cognitoEndpoint = local.cognitoEndpoint;
      return {
        ...server,
        ...local,
        clientOptions: { auth: { ...credentials, cognitoEndpoint: local.cognitoEndpoint }, endpoint: local.endpoint },
        close: async () => {
          if (credentials.cognitoEndpoint === local.cognitoEndpoint) credentials.cognitoEndpoint = cognitoEndpoint;
          await server.close();
        },
      };
    },
  };
}
