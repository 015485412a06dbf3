// Loopback wherever `listSims` over a fleet of ICCIDs spread like a real one (a long common prefix, a few
// sequential ranges), honouring `iccid` beginsWith/eq, `order.iccid`, `limit`, offset tokens and
// `totalSims`; `LATENCY_MS` delays every answer. Counts page requests and one-item probes apart.
// Also answers Totogi `ListUsers` (Relay cursors) for the read-ahead benchmark. Runs in its own process.
import { createServer } from 'node:http';

const latencyMs = Number(process.env.LATENCY_MS ?? 0);
const total = Number(process.env.SIMS ?? 100_000);
const shares = [0.4, 0.25, 0.2, 0.1, 0.05];
const starts = [12_000_000, 12_500_000, 340_000_000, 340_900_000, 771_000_000];
const fleet = [];
shares.forEach((share, r) => {
  const n = r === shares.length - 1 ? total - fleet.length : Math.round(total * share);
  for (let i = 0; i < n; i++) fleet.push(`8949020${String(starts[r] + i).padStart(12, '0')}`);
});
fleet.sort();
const sim = (iccid) => `{"iccid":"${iccid}","statusid":2,"providerid":5,"imei":"350000000000001","imsi":"262010000000001","msisdn":"4917000000001","custom_field_1":"device","monthly_data_volume":123456789,"end_customer_label":{"name":"Fleet"}}`;
/** First index whose value is ≥ `key` (or > every string starting with `key` when `after`). */
const lowerBound = (key) => {
  let lo = 0;
  let hi = fleet.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (fleet[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};
const counts = { pages: 0, probes: 0 };
const token = (o) => Buffer.from(JSON.stringify({ next_offset: o })).toString('base64');
const offsetOf = (t) => (t ? JSON.parse(Buffer.from(t, 'base64').toString()).next_offset : 0);

function listSims(v) {
  const f = v.filter?.iccid;
  let from = 0;
  let to = fleet.length;
  if (f?.eq != null) {
    from = lowerBound(f.eq);
    to = fleet[from] === f.eq ? from + 1 : from;
  } else if (f?.beginsWith != null) {
    from = lowerBound(f.beginsWith);
    to = lowerBound(f.beginsWith + '\uffff');
  }
  const size = to - from;
  const limit = v.limit ?? 100;
  if (limit === 1) counts.probes++;
  else counts.pages++;
  const offset = offsetOf(v.nextToken);
  const desc = v.order?.iccid === 'desc';
  const items = [];
  for (let k = offset; k < Math.min(size, offset + limit); k++) items.push(sim(fleet[desc ? to - 1 - k : from + k]));
  const next = offset + limit < size ? JSON.stringify(token(offset + limit)) : 'null';
  return `{"data":{"listSims":{"items":[${items.join(',')}],"nextToken":${next},"totalSims":${size}}}}`;
}

const pagesOfUsers = Number(process.env.USER_PAGES ?? 100);
function listUsers({ first = 25, after }) {
  counts.pages++;
  const page = after ? Number(after.slice(1)) + 1 : 0;
  const edges = Array.from({ length: first }, (_, k) => `{"cursor":"u${page * first + k}","node":{"providerId":"1001","userId":"user-${page * first + k}","email":"user${page * first + k}@example.com","name":"User","phoneNumber":null,"jobTitle":"ops"}}`);
  return `{"data":{"listUsers":{"__typename":"ListUsersConnection","edges":[${edges.join(',')}],"pageInfo":{"hasNextPage":${page + 1 < pagesOfUsers},"endCursor":"p${page}","hasPreviousPage":false,"startCursor":"p${page}"}}}}`;
}

const server = createServer((req, res) => {
  if (req.method === 'GET') {
    res.end(JSON.stringify(counts));
    counts.pages = 0;
    counts.probes = 0;
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString());
    const out = body.operationName === 'ListUsers' ? listUsers(body.variables ?? {}) : listSims(body.variables ?? {});
    const send = () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
      res.end(out);
    };
    if (latencyMs) setTimeout(send, latencyMs);
    else send();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port, fleet: process.env.SEND_FLEET ? fleet : undefined }));
process.on('disconnect', () => process.exit(0));
