/**
 * Hand-written list servers for the iteration suite (no fakes of ours): a wherever-style `ListSims`
 * that honours `iccid` beginsWith/eq/in, `order.iccid`, `limit`, base64 offset tokens and `totalSims`,
 * plus page builders for the other styles. Each test bends them to break one guarantee.
 */
import type { ServerResponse } from 'node:http';
import { hostileServer, sendJson, type HostileServer, type Received } from './lib.js';

export const token = (offset: number) => Buffer.from(JSON.stringify({ next_offset: offset })).toString('base64');
const offsetOf = (t: unknown) => (typeof t === 'string' && t ? (JSON.parse(Buffer.from(t, 'base64').toString()) as { next_offset: number }).next_offset : 0);

/** ICCIDs like a real fleet: a long common prefix and a few sequential ranges of different sizes. */
export function fleetIccids(total: number): string[] {
  const ranges = [0.4, 0.25, 0.2, 0.1, 0.05];
  const starts = [12_000_000, 12_500_000, 340_000_000, 340_900_000, 771_000_000];
  const out: string[] = [];
  ranges.forEach((share, r) => {
    const n = r === ranges.length - 1 ? total - out.length : Math.round(total * share);
    for (let i = 0; i < n; i++) out.push(`8949020${String(starts[r]! + i).padStart(12, '0')}`);
  });
  return out.sort();
}

export interface SimsServerOptions {
  /** Ignore `beginsWith` (a server that does not filter as documented). */
  ignorePrefix?: boolean;
  /** Answer this instead of the page (fault injection); undefined answers normally. */
  fault?: (req: Received, n: number, res: ServerResponse) => boolean;
  latencyMs?: number;
}

/** A `ListSims` server over `iccids`; `requests` lists the variables of every ListSims request. */
export async function simsServer(iccids: string[], options: SimsServerOptions = {}): Promise<HostileServer & { requests: Record<string, unknown>[] }> {
  const sorted = [...iccids].sort();
  const requests: Record<string, unknown>[] = [];
  const server = await hostileServer((req, res, n) => {
    const v = (req.json?.variables ?? {}) as { limit?: number; nextToken?: string; filter?: { iccid?: { beginsWith?: string; eq?: string; in?: string[] } }; order?: { iccid?: string } };
    requests.push(v);
    if (options.fault?.(req, n, res)) return;
    const f = v.filter?.iccid;
    let list = sorted;
    if (f?.eq != null) list = list.filter((x) => x === f.eq);
    if (f?.in != null) list = list.filter((x) => f.in!.includes(x));
    if (f?.beginsWith != null && !options.ignorePrefix) list = list.filter((x) => x.startsWith(f.beginsWith!));
    if (v.order?.iccid === 'desc') list = [...list].reverse();
    const limit = v.limit ?? 100;
    const offset = offsetOf(v.nextToken);
    const items = list.slice(offset, offset + limit).map((iccid) => ({ iccid }));
    const body = { data: { listSims: { items, nextToken: offset + limit < list.length ? token(offset + limit) : null, totalSims: list.length } } };
    if (options.latencyMs) setTimeout(() => sendJson(res, body), options.latencyMs);
    else sendJson(res, body);
  });
  return Object.assign(server, { requests });
}
