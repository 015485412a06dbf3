/**
 * The three vendors as the CLI sees them: where credentials come from, how to build a client, how to
 * start the embedded fake (`--fake`), the main list an export walks, and which mutations are safe to
 * send again (they set values rather than add to them).
 */
import { SdkError, type SdkEvent } from '@sdk/core';
import { UsageError } from './errors.js';

export type VendorName = 'wherever' | 'totogi' | 'myphone';
export const VENDORS: readonly VendorName[] = ['wherever', 'totogi', 'myphone'];

/** A client as the CLI uses it: a tree of methods, each with its `.operation` descriptor. */
export type AnyClient = Record<string, unknown>;

export interface ClientSettings {
  credentials: Record<string, string>;
  endpoint?: string | undefined;
  onEvent?: ((event: SdkEvent) => void) | undefined;
  /** Dry runs: authenticate with a placeholder and hand requests to this transport instead of the network. */
  dryRun?: boolean | undefined;
  timeoutMs?: number | undefined;
}

export interface RunningFake {
  credentials: Record<string, string>;
  endpoint: string;
  close(): Promise<void>;
}

/** Re-reads the thing a row changed, to settle a row whose outcome is unknown without sending it twice. */
export type Verifier = (client: AnyClient, variables: Record<string, unknown>) => Promise<boolean>;

export interface Vendor {
  name: VendorName;
  /** Credential names and the environment variables that supply them (the SDK reads the same ones). */
  credentials: Record<string, { env: string; secret: boolean; optional?: boolean }>;
  /** The list `export` walks when no method is named. */
  mainList: string;
  /** Mutations that set a state (re-sending applies nothing new): their 5xx are retried, unknown rows verified. */
  idempotent: Record<string, Verifier | null>;
  /** A cheap query that proves the credentials work (doctor). */
  whoami: string;
  createClient(settings: ClientSettings): Promise<AnyClient>;
  startFake(size: number): Promise<RunningFake>;
}

/** Dry runs never log in: a placeholder token source. */
const DRY_RUN_TOKEN = { getAccessToken: async () => 'dry-run' };

/** A transport that sends nothing: a dry run stops here, after every check the SDK makes before sending. */
export class DryRunStop extends SdkError {
  static override readonly kind: string = 'DryRunStop';
  constructor(readonly request: { body: string }) {
    super('dry run: every check passed; nothing was sent');
  }
}
const dryRunTransport = async (request: { body: string }) => {
  throw new DryRunStop({ body: request.body });
};

function need(vendor: Vendor, creds: Record<string, string>): void {
  for (const [key, spec] of Object.entries(vendor.credentials)) {
    if (!spec.optional && !creds[key]) {
      throw new UsageError(`${vendor.name}: no ${key}: set ${spec.env}, or save a profile with \`telco profile set ${vendor.name}\`, or use --fake`);
    }
  }
}

function common(settings: ClientSettings) {
  return {
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.onEvent ? { onEvent: settings.onEvent } : {}),
    ...(settings.timeoutMs ? { timeoutMs: settings.timeoutMs } : {}),
    ...(settings.dryRun ? { transport: dryRunTransport as never } : {}),
  };
}

const wherever: Vendor = {
  name: 'wherever',
  credentials: { apiKey: { env: 'WHEREVER_API_KEY', secret: true } },
  mainList: 'listSims',
  whoami: 'getCustomerData',
  idempotent: {
    // updateSim sets fields to the given values: read the SIM back to see whether they hold.
    updateSim: async (client, variables) => {
      const listSims = client.listSims as (v: unknown) => Promise<{ items: Record<string, unknown>[] }>;
      const iccid = variables.iccid as string;
      const page = await listSims({ limit: 1, filter: { iccid: { eq: iccid } } });
      const sim = page.items[0];
      if (!sim) return false;
      return Object.entries(variables).every(([key, value]) => key === 'iccid' || !(key in sim) || JSON.stringify(sim[key]) === JSON.stringify(value));
    },
  },
  async createClient(settings) {
    const { createWhereverClient } = await import('@sdk/wherever');
    const apiKey = settings.dryRun ? 'dry-run' : settings.credentials.apiKey;
    if (!settings.dryRun) need(this, settings.credentials);
    return createWhereverClient({ apiKey: apiKey!, ...common(settings) }) as unknown as AnyClient;
  },
  async startFake(size) {
    const { createWhereverMock, generateSims } = await import('@sdk/wherever/testing');
    const api = createWhereverMock({ sims: generateSims(size) });
    const server = await api.listen();
    return { credentials: { apiKey: api.apiKey }, endpoint: server.endpoint, close: () => server.close() };
  },
};

const totogi: Vendor = {
  name: 'totogi',
  credentials: {
    username: { env: 'TOTOGI_USERNAME', secret: false },
    password: { env: 'TOTOGI_PASSWORD', secret: true },
    clientId: { env: 'TOTOGI_CLIENT_ID', secret: false },
    clientSecret: { env: 'TOTOGI_CLIENT_SECRET', secret: true, optional: true },
    region: { env: 'TOTOGI_REGION', secret: false, optional: true },
    cognitoEndpoint: { env: 'TOTOGI_COGNITO_ENDPOINT', secret: false, optional: true },
  },
  mainList: 'getEventDataRecordsByAccount',
  whoami: 'getCurrentUser',
  idempotent: {},
  async createClient(settings) {
    const { createTotogiClient } = await import('@sdk/totogi');
    const c = settings.credentials;
    if (settings.dryRun) return createTotogiClient({ auth: { tokenProvider: DRY_RUN_TOKEN }, ...common(settings) }) as unknown as AnyClient;
    need(this, c);
    const auth = {
      username: c.username!,
      password: c.password!,
      clientId: c.clientId!,
      ...(c.clientSecret ? { clientSecret: c.clientSecret } : {}),
      ...(c.region ? { region: c.region } : {}),
      ...(c.cognitoEndpoint ? { cognitoEndpoint: c.cognitoEndpoint } : {}),
    };
    return createTotogiClient({ auth: auth as never, ...common(settings) }) as unknown as AnyClient;
  },
  async startFake() {
    const { createTotogiMock } = await import('@sdk/totogi/testing');
    const api = createTotogiMock();
    const server = await api.listen();
    const creds = api.credentials as unknown as Record<string, string>;
    return { credentials: { ...creds, cognitoEndpoint: server.cognitoEndpoint }, endpoint: server.endpoint, close: () => server.close() };
  },
};

const myphone: Vendor = {
  name: 'myphone',
  credentials: {
    username: { env: 'MYPHONE_USERNAME', secret: false },
    password: { env: 'MYPHONE_PASSWORD', secret: true },
    origin: { env: 'MYPHONE_ORIGIN', secret: false, optional: true },
  },
  mainList: 'simcards',
  whoami: 'simcards',
  idempotent: { 'simcard.changeTariff': null },
  async createClient(settings) {
    const { createMyPhoneClient } = await import('@sdk/myphone');
    const c = settings.credentials;
    const where = { ...(c.origin ? { origin: c.origin } : {}), ...common(settings) };
    if (settings.dryRun) return createMyPhoneClient({ tokenProvider: DRY_RUN_TOKEN, ...where }) as unknown as AnyClient;
    need(this, c);
    return createMyPhoneClient({ username: c.username!, password: c.password!, ...where }) as unknown as AnyClient;
  },
  async startFake(size) {
    const { createMyPhoneMock, generateSimcards } = await import('@sdk/myphone/testing');
    const api = createMyPhoneMock({ simcards: generateSimcards(size) });
    const server = await api.listen();
    return { credentials: { ...api.credentials, origin: server.origin }, endpoint: server.endpoint, close: () => server.close() };
  },
};

export const vendors: Record<VendorName, Vendor> = { wherever, totogi, myphone };

export function vendorNamed(name: string): Vendor {
  const v = vendors[name as VendorName];
  if (!v) throw new UsageError(`unknown vendor ${JSON.stringify(name)}: use ${VENDORS.join(', ')}`);
  return v;
}
