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

const answers = {
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
