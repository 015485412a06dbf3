// Loopback server for the benchmarks, run in its own process so its CPU never counts as the client's.
// Answers by operation name with precomputed pages; `latencyMs` delays every answer (iteration benchmarks).
import { createServer } from 'node:http';

const latencyMs = Number(process.env.LATENCY_MS ?? 0);
const pageSize = 100;
const totalPages = Number(process.env.PAGES ?? 100);

const sim = (i) => ({
  iccid: `8949${String(i).padStart(15, '0')}`, statusid: 2, providerid: 5, activation_timestamp: 1700000000000, imei: '350000000000001', imsi: '262010000000001',
  msisdn: '4917000000001', in_session_since: null, monthly_data_volume: 123456789, monthly_data_limit: null, monthly_sms_mo: 1, monthly_sms_mt: 2,
  monthly_sms_mo_limit: null, monthly_sms_mt_limit: null, monthly_voice_mo: 0, monthly_voice_mo_limit: null, custom_field_1: `device-${i}`,
  previous_month_data_volume: 1000, nwc: 'LTE', apn: 'iot', ip_address: '10.0.0.1', end_customer_label: { name: 'Fleet' }, imei_lock: { imei: null, enabled: false },
});
const itemsJson = new Map();
// Item JSON is cached per page shape (100 distinct pages); tokens are per absolute page, so 10,000 pages never repeat a token.
const itemsOf = (page) => {
  const key = page % 100;
  if (!itemsJson.has(key)) itemsJson.set(key, JSON.stringify(Array.from({ length: pageSize }, (_, k) => sim(key * pageSize + k))));
  return itemsJson.get(key);
};
const token = (page) => Buffer.from(JSON.stringify({ next_offset: page * pageSize })).toString('base64');
const pageOfToken = (t) => (t ? JSON.parse(Buffer.from(t, 'base64').toString()).next_offset / pageSize : 0);

// Totogi: an Account with two active plan subscriptions, as getAccount's full selection returns it.
const planVersion = (n) => ({ providerId: '1001', id: `pv-${n}`, version: `v${n}`, state: 'DEPLOYED', refCount: 3, createdAt: '2025-01-01T00:00:00Z', createdBy: 'ops', modifiedAt: '2025-01-02T00:00:00Z', modifiedBy: 'ops', deployedAt: '2025-01-03T00:00:00Z', deployedBy: 'ops', priority: n });
const subscription = (n) => ({ planSubscriptionId: `sub-${n}`, from: '2025-01-01T00:00:00Z', to: null, renewal: 'MONTHLY', planVersion: planVersion(n), overrides: [{ name: 'discount', value: '5' }] });
const account = Buffer.from(JSON.stringify({ data: { getAccount: {
  __typename: 'Account', providerId: '1001', id: 'acc-1', customData: '{"tier":"gold"}', balance: { version: 7, value: 1234.5, customData: null },
  parent: { providerId: '1001', id: 'acc-0', customData: null, friendsAndFamily: [], creditLimit: 0, churnScore: 0.1, activatedAt: '2024-01-01T00:00:00Z' },
  inactivePlanVersions: [subscription(1)], activePlanVersions: [subscription(2), subscription(3)], archivedPlanVersions: [],
  friendsAndFamily: ['+4917000000001'], creditLimit: 100, postpaid: { timezone: 'Europe/Berlin', billingDayOfMonth: 1, lastBillingDate: '2025-01-01', longFirstBillingCycle: false }, churnScore: 0.2, activatedAt: '2024-06-01T00:00:00Z',
} } }));
const cursorOf = (page) => Buffer.from(`page:${page}`).toString('base64');
const pageOfCursor = (c) => (c ? Number(Buffer.from(c, 'base64').toString().slice(5)) + 1 : 0);
const simcard = (i) => ({ id: String(i + 1), iccidPlastic: `8937${String(i).padStart(15, '0')}`, simId: `S${i}`, isBlocked: i % 7 === 0, allowFreeCallerIdChange: false, allowFreeVoiceSubstitution: false, resource: { balance: 12.5, dataBalance: 1024 } });
const simcardsJson = new Map();

const answers = {
  GetAccount: () => account,
  ListUsers: ({ first = 25, after }) => {
    const page = pageOfCursor(after);
    const edges = Array.from({ length: first }, (_, k) => {
      const i = page * first + k;
      return { cursor: `u${i}`, node: { providerId: '1001', userId: `user-${i}`, email: `user${i}@example.com`, name: `User ${i}`, phoneNumber: null, jobTitle: 'ops' } };
    });
    return Buffer.from(JSON.stringify({ data: { listUsers: { __typename: 'ListUsersConnection', edges, pageInfo: { hasNextPage: page + 1 < totalPages, endCursor: cursorOf(page), hasPreviousPage: page > 0, startCursor: cursorOf(page) } } } }));
  },
  Simcards: ({ offset = 0, limit = 100 }) => {
    const count = totalPages * pageSize;
    // Cached per page shape (at most 100 distinct pages), so a 10,000-page walk does not fill this process.
    const length = Math.max(0, Math.min(limit, count - offset));
    const key = `${Math.floor(offset / limit) % 100}:${limit}:${length}`;
    if (!simcardsJson.has(key)) simcardsJson.set(key, JSON.stringify(Array.from({ length }, (_, k) => simcard((Math.floor(offset / limit) % 100) * limit + k))));
    return Buffer.from(`{"data":{"simcards":{"items":${simcardsJson.get(key)},"count":${count}}}}`);
  },
  ListSims: ({ nextToken }) => {
    const page = pageOfToken(nextToken);
    const next = page + 1 < totalPages ? JSON.stringify(token(page + 1)) : 'null';
    return Buffer.from(`{"data":{"listSims":{"items":${itemsOf(page)},"nextToken":${next},"totalSims":${totalPages * pageSize}}}}`);
  },
};

// Token endpoint for the refresh-under-load benchmark: counts requests, answers after 20 ms like a real IdP.
let tokenRequests = 0;
function tokenRoute(req, res) {
  if (req.method === 'GET') return res.end(String(tokenRequests));
  tokenRequests++;
  setTimeout(() => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ accessToken: `token-${tokenRequests}`, expiresIn: 3600 }));
  }, 20);
}

const server = createServer((req, res) => {
  if (req.url === '/token') return tokenRoute(req, res);
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString());
    const answer = answers[body.operationName];
    const send = () => {
      if (!answer) {
        res.writeHead(400, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ errors: [{ message: `unknown operation ${body.operationName}` }] }));
      }
      const out = answer(body.variables ?? {});
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': out.length });
      res.end(out);
    };
    if (latencyMs) setTimeout(send, latencyMs);
    else send();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));
