// Loaded on the first request (importing node:http costs ~6 ms of cold start). `.default` is the live CJS
// module object, which msw and nock patch; a namespace import would keep the unpatched function.
import type http from 'node:http';
import type https from 'node:https';
import type zlib from 'node:zlib';
import { ResponseTooLargeError } from '../errors/index.js';
import { ATTEMPT, AttemptRequest, BODY_PARTS, USES_ATTEMPT, DEFAULT_MAX_RESPONSE_BYTES, parseResponse, type HeadersLike, type Transport, type TransportRequest, type TransportResponse } from './transport.js';

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

  function agentFor(t: Target, mod: typeof http | typeof https): http.Agent {
    return options.agent ?? (agents[t.protocol] ??= new mod.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 128, scheduling: 'lifo' }));
  }

  // Not an async function: that would wrap the returned promise in another one (two more ticks per call).
  const transport: Transport = (request) => {
    const t = target(request.url);
    const mod = t.protocol === 'https:' ? httpsModule : httpModule;
    if (mod) return send(request, t, mod, agentFor(t, mod));
    return (t.protocol === 'https:' ? import('node:https').then((m) => (httpsModule = m.default)) : import('node:http').then((m) => (httpModule = m.default))).then((m) =>
      send(request, t, m, agentFor(t, m)),
    );
  };
  return Object.assign(transport, { [USES_ATTEMPT]: true });

  function send(request: TransportRequest, t: Target, mod: typeof http | typeof https, agent: http.Agent): Promise<TransportResponse> {
    const { headers, operation, maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES } = request;
    // The executor's body comes in two parts, written one after the other (see AttemptRequest). A wrapper's
    // `{ ...request }` copy has no `body` (a getter) but keeps the parts; a body it set itself wins.
    const parts = request instanceof AttemptRequest || request.body === undefined ? request[BODY_PARTS] : undefined;
    const body = parts ? undefined : request.body;
    // The executor's requests carry an AttemptControl: no AbortSignal listener per request (see AttemptControl).
    // A copy whose `signal` is not the control's (a wrapper's own cancellation) is cancelled by that signal instead.
    const attempt = request[ATTEMPT];
    const given = request instanceof AttemptRequest ? undefined : request.signal;
    const control = attempt && (given === undefined || attempt.owns(given)) ? attempt : undefined;
    // The body stays in strings: Node queues them until the socket is assigned, then sends headers and body in one writev.
    // A plain copy loop: `{ ...headers, key: value }` takes V8's slow path (~1.3 µs here, ~3 µs with the add below).
    const sent: http.OutgoingHttpHeaders = {};
    for (const key in headers) sent[key] = headers[key];
    sent['content-length'] = parts ? parts.bytes : Buffer.byteLength(body!);
    if (compression) sent['accept-encoding'] = 'gzip, br';

    // Every handler below is exception-safe: a throw inside a stream event would be uncaught and end the process.
    return new Promise<TransportResponse>((resolve, reject) => {
      const signal = control ? undefined : given;
      if (control ? control.aborted : signal?.aborted) return reject((control ? control.reason : signal?.reason) ?? new Error('aborted'));
      let settled = false;
      let req: http.ClientRequest | undefined;
      let response: http.IncomingMessage | undefined;
      const detach = () => (control ? control.offAbort(onAbort) : signal?.removeEventListener('abort', onAbort));
      const fail = (err: unknown) => {
        if (settled) return;
        settled = true;
        detach();
        req?.destroy();
        reject(err);
      };
      const guard =
        <A extends unknown[]>(fn: (...args: A) => void) =>
        (...args: A) => {
          try {
            fn(...args);
          } catch (err) {
            fail(err);
          }
        };
      const tooLarge = (res: http.IncomingMessage) =>
        new ResponseTooLargeError(`${operation.name}: the response body is larger than ${maxResponseBytes} bytes (maxResponseBytes); reading stopped`, {
          operationName: operation.name,
          status: res.statusCode ?? 0,
          maxResponseBytes,
        });
      const consume = (res: http.IncomingMessage, encoding: string | undefined) => {
        const declared = Number(res.headers['content-length']);
        if (encoding === undefined && declared > maxResponseBytes) return fail(tooLarge(res));
        const z = zlibModule;
        const inflate = !z ? undefined : encoding === 'gzip' ? z.createGunzip() : encoding === 'br' ? z.createBrotliDecompress() : encoding === 'deflate' ? z.createInflate() : undefined;
        const stream = inflate ? res.pipe(inflate) : res;
        const chunks: Buffer[] = [];
        // chunks[0, merged) are merged blocks; see the 'data' handler.
        let merged = 0;
        let size = 0;
        stream.on(
          'data',
          guard((chunk: Buffer) => {
            if (settled) return;
            size += chunk.length;
            // Counted as it streams, after decoding: a small gzip body cannot inflate past the cap.
            if (size > maxResponseBytes) {
              inflate?.destroy();
              return fail(tooLarge(res));
            }
            chunks.push(chunk);
            // A chunked body of one-byte chunks costs ~200 bytes of heap per Buffer kept (GBs at the cap):
            // every 256 raw chunks become one block, so each byte is copied at most once.
            if (chunks.length - merged === 256) {
              chunks.push(Buffer.concat(chunks.splice(merged)));
              merged++;
            }
          }),
        );
        if (inflate) inflate.on('error', fail);
        res.on('error', fail);
        // A reset mid-body ends in 'close' without 'end' (Node's 'aborted' event comes just before it).
        res.on('close', () => {
          if (!res.complete) fail(new Error('connection closed before the response ended'));
        });
        stream.on(
          'end',
          guard(() => {
            if (settled) return;
            const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
            const out = parseResponse(res.statusCode ?? 0, new NodeHeaders(res.headers), text, res.headers['content-type']);
            settled = true;
            detach();
            resolve(out);
          }),
        );
      };
      // Abort covers connecting, waiting for headers and reading the body alike.
      const onAbort = () => {
        const reason = control ? control.reason : signal?.reason;
        req?.destroy(reason instanceof Error ? reason : new Error('aborted'));
        fail(reason ?? new Error('aborted'));
      };
      try {
        req = mod.request(
          { protocol: t.protocol, hostname: t.hostname, port: t.port, path: t.path, method: 'POST', headers: sent, agent },
          guard((res: http.IncomingMessage) => {
            response = res;
            const encoding = res.headers['content-encoding'];
            if ((encoding === 'gzip' || encoding === 'br' || encoding === 'deflate') && !zlibModule) {
              res.pause();
              import('node:zlib').then(
                guard((m: { default: typeof zlib }) => {
                  zlibModule = m.default;
                  consume(res, encoding);
                }),
                fail,
              );
              return;
            }
            consume(res, encoding);
          }),
        );
      } catch (err) {
        // Invalid header values and the like throw synchronously.
        return fail(err);
      }
      if (control) control.onAbort(onAbort);
      else signal?.addEventListener('abort', onAbort, { once: true });
      // Bytes past a complete response (more than its content-length) fail the socket's parser after the
      // response was read whole: that response is still the answer, and 'end' delivers it.
      req.on('error', (err) => {
        if (!response?.complete) fail(err);
      });
      // Both parts go out in one write: they are queued until the socket is assigned (a later tick), then flushed corked.
      if (parts) {
        req.write(parts.prefix);
        req.end(parts.rest);
      } else req.end(body);
    });
  }
}
