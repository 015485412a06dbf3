/**
 * `telco <vendor> doctor`: one line per check, so an operator sees at a glance what is wrong:
 * the endpoint answers, the credentials are accepted, the live schema still accepts our operations,
 * and the local clock agrees with the server's (token lifetimes depend on it).
 */
import type { Method } from './operations.js';
import type { AnyClient, Vendor } from './vendors.js';
import { describe } from './errors.js';

export interface Check {
  name: string;
  ok: boolean | null;
  detail: string;
}

export async function doctor(vendor: Vendor, client: AnyClient, methods: readonly Method[], endpoint: string): Promise<Check[]> {
  const checks: Check[] = [];
  let serverDate: number | undefined;
  const started = Date.now();
  try {
    // An unauthenticated probe: any HTTP answer means the endpoint is reachable (a 401 is expected).
    const res = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{__typename}"}', redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer().catch(() => undefined);
    const date = res.headers.get('date');
    serverDate = date ? Date.parse(date) : undefined;
    checks.push({ name: 'endpoint reachable', ok: true, detail: `${endpoint} answered HTTP ${res.status} in ${Date.now() - started} ms` });
  } catch (err) {
    checks.push({ name: 'endpoint reachable', ok: false, detail: `${endpoint}: ${describe((err as { cause?: unknown }).cause ?? err)}` });
  }

  const whoami = methods.find((m) => m.path === vendor.whoami);
  if (whoami) {
    try {
      const limited = whoami.operation.pagination && 'limitVar' in whoami.operation.pagination ? { [whoami.operation.pagination.limitVar as string]: 1 } : undefined;
      await whoami.call(limited);
      checks.push({ name: 'credentials accepted', ok: true, detail: `${whoami.path} succeeded` });
    } catch (err) {
      checks.push({ name: 'credentials accepted', ok: false, detail: describe(err) });
    }
  }

  try {
    const { checkSchema } = await import('@sdk/core/schema-check');
    const report = await checkSchema(client);
    if (report.status === 'introspection-disabled') checks.push({ name: 'live schema', ok: null, detail: report.message ?? 'the endpoint does not allow introspection' });
    else
      checks.push({
        name: 'live schema',
        ok: report.rejected.length === 0,
        detail: report.rejected.length === 0 ? `all ${report.accepted.length} operations accepted` : `${report.rejected.length} of ${report.methods.length} operations rejected (${report.rejected.slice(0, 5).join(', ')}${report.rejected.length > 5 ? ', …' : ''}): run \`telco ${vendor.name} schema-check\``,
      });
  } catch (err) {
    checks.push({ name: 'live schema', ok: false, detail: describe(err) });
  }

  if (serverDate !== undefined && !Number.isNaN(serverDate)) {
    const skew = Math.round((Date.now() - serverDate) / 1000);
    checks.push({ name: 'clock skew', ok: Math.abs(skew) < 30, detail: `${skew >= 0 ? '+' : ''}${skew} s against the server's Date header${Math.abs(skew) >= 30 ? ' (tokens may look expired or fresh when they are not: sync the clock)' : ''}` });
  } else {
    checks.push({ name: 'clock skew', ok: null, detail: 'unknown: the server sent no Date header' });
  }
  return checks;
}

export function formatChecks(checks: readonly Check[]): string {
  return checks.map((c) => `${c.ok === true ? 'ok  ' : c.ok === false ? 'FAIL' : 'skip'}  ${c.name.padEnd(20)} ${c.detail}`).join('\n') + '\n';
}
