// Loaded on the first request (importing node:http costs ~6 ms of cold start). `.default` is the live CJS
// module object, which msw and nock patch; a namespace import would keep the unpatched function.
import type http from 'node:http';
import type https from 'node:https';
import type zlib from 'node:zlib';
import type { HeadersLike, Transport, TransportResponse } from './transport.js';

export interface HttpTransportOptions {
  /** Your own agent (proxies, TLS options). Default: a keep-alive agent per protocol, owned by this transport. */
  agent?: http.Agent | https.Agent | undefined;
  /** Sockets per origin for the default agent. Default 128. */
  maxSockets?: number | undefined;
  /** Ask for gzip/br responses (smaller pages over the internet, a little CPU to inflate). Default true. */
  compression?: boolean | undefined;
}

/** WHATWG-style read access over Node's lowercased header object, without building a Headers per response. */
class NodeHeaders implements HeadersLike {
  readonly #raw: http.IncomingHttpHeaders;
  constructor(raw: http.IncomingHttpHeaders) {
    this.#raw = raw;
  }
  get(name: string): string | null {
    const value = this.#raw[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  }
  has(name: string): boolean {
    return this.#raw[name.toLowerCase()] !== undefined;
  }
  forEach(callback: (value: string, key: string) => void): void {
    for (const [key, value] of Object.entries(this.#raw)) if (value !== undefined) callback(Array.isArray(value) ? value.join(', ') : value, key);
  }
}

interface Target {
  protocol: string;
  hostname: string;
  port: string;
  path: string;
}

let httpModule: typeof http | undefined;
let httpsModule: typeof https | undefined;
// Loaded on the first compressed response: importing node:zlib costs ~13 ms of cold start.
let zlibModule: typeof zlib | undefined;

/**
 * The default transport: one `node:http(s)` POST over a keep-alive agent. It costs about half the
 * client CPU of `fetch` per request (bench/RESULTS.md), aborts cheaply (no per-request signal
 * bookkeeping inside undici), and msw/nock still intercept it, so users' tests work unchanged.
 */
export function httpTransport(options: HttpTransportOptions = {}): Transport {
  const targets = new Map<string, Target>();
  const agents: Record<string, http.Agent> = {};
  const compression = options.compression ?? true;

  function target(url: string): Target {
    let t = targets.get(url);
    if (!t) {
      const u = new URL(url);
      t = { protocol: u.protocol, hostname: u.hostname.replace(/^\[|\]$/g, ''), port: u.port, path: u.pathname + u.search };
      targets.set(url, t);
    }
    return t;
  }

  return async ({ url, body, headers, signal }) => {
    const t = target(url);
    const secure = t.protocol === 'https:';
    const mod: typeof http | typeof https = secure ? (httpsModule ??= (await import('node:https')).default) : (httpModule ??= (await import('node:http')).default);
    const agent = options.agent ?? (agents[t.protocol] ??= new mod.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 128, scheduling: 'lifo' }));
    const payload = Buffer.from(body, 'utf8');
    const sent: http.OutgoingHttpHeaders = { ...headers, 'content-length': payload.length };
    if (compression) sent['accept-encoding'] = 'gzip, br';

    return new Promise<TransportResponse>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason ?? new Error('aborted'));
      let settled = false;
      const fail = (err: unknown) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        reject(err);
      };
      const req = mod.request({ protocol: t.protocol, hostname: t.hostname, port: t.port, path: t.path, method: 'POST', headers: sent, agent }, (res) => {
        const encoding = res.headers['content-encoding'];
        if (encoding === 'gzip' || encoding === 'br' || encoding === 'deflate') {
          if (!zlibModule) {
            res.pause();
            import('node:zlib').then((m) => {
              zlibModule = m.default;
              consume(res, encoding);
            }, fail);
            return;
          }
        }
        consume(res, encoding);
      });
      const consume = (res: http.IncomingMessage, encoding: string | undefined) => {
        const z = zlibModule;
        const stream = !z ? res : encoding === 'gzip' ? res.pipe(z.createGunzip()) : encoding === 'br' ? res.pipe(z.createBrotliDecompress()) : encoding === 'deflate' ? res.pipe(z.createInflate()) : res;
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', fail);
        res.on('aborted', () => fail(new Error('response aborted')));
        res.on('close', () => {
          if (!res.complete) fail(new Error('connection closed before the response ended'));
        });
        stream.on('end', () => {
          if (settled) return;
          settled = true;
          signal.removeEventListener('abort', onAbort);
          const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
          const out: TransportResponse = { status: res.statusCode ?? 0, headers: new NodeHeaders(res.headers), json: undefined };
          const type = res.headers['content-type'];
          if ((type !== undefined && type.includes('json')) || (type === undefined && /^\s*[{[]/.test(text))) {
            try {
              out.json = JSON.parse(text);
              return resolve(out);
            } catch {
              /* not JSON after all: keep the text */
            }
          }
          out.text = text;
          resolve(out);
        });
      };
      // Abort covers connecting, waiting for headers and reading the body alike.
      const onAbort = () => {
        req.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
        fail(signal.reason ?? new Error('aborted'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      req.on('error', fail);
      req.end(payload);
    });
  };
}
