/**
 * Credentials: from the environment or a 0600 profile, never printed — not by `profile list`, not in
 * `--verbose` event lines, not in errors — in any encoding. The server echoes the key back to try.
 */
import { mkdtempSync, readFileSync, statSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, hostileServer, leaks, sendJson } from '../../../test/hostile/lib.js';
import { telco } from './helpers.js';

afterEach(closeAll);

const KEY = 'wk_live_Zq8+/secret=key';

describe('credentials', () => {
  it('profile set stores 0600, list shows keys only, --profile uses it; a world-readable file is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'telco-cfg-'));
    const env = { TELCO_CONFIG_DIR: dir };
    const set = await telco(['profile', 'set', 'wherever', '--name', 'prod'], { env: { ...env, WHEREVER_API_KEY: KEY } });
    expect(set.code, set.stderr).toBe(0);
    const file = join(dir, 'profiles.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).prod.wherever.apiKey).toBe(KEY);
    const list = await telco(['profile', 'list'], { env });
    expect(list.stdout).toBe('prod: wherever (apiKey)\n');
    expect(leaks(list.stdout + list.stderr + set.stderr, [KEY])).toEqual([]);

    const seen: string[] = [];
    const server = await hostileServer((req, res) => {
      seen.push(String(req.headers.authorization));
      sendJson(res, { data: { getCustomerData: { customerid: 1, current_name: 'ACME', is_test_customer: false } } });
    });
    const run = await telco(['--profile', 'prod', '--endpoint', server.url, 'wherever', 'getCustomerData'], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(seen).toEqual([KEY]);

    chmodSync(file, 0o644);
    const refused = await telco(['--profile', 'prod', '--endpoint', server.url, 'wherever', 'getCustomerData'], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/can be read by other users/);
    expect(seen).toHaveLength(1);
  });

  it('a missing credential names its variable and sends nothing', async () => {
    const server = await hostileServer((_req, res) => sendJson(res, {}));
    const run = await telco(['--endpoint', server.url, 'wherever', 'listSims', '--limit', '1'], { env: { TELCO_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'telco-cfg-')) } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/WHEREVER_API_KEY/);
    expect(server.received).toHaveLength(0);
  });

  it('--verbose and errors never show the key, though the server echoes it in every encoding', async () => {
    const echoes = [KEY, encodeURIComponent(KEY), Buffer.from(KEY).toString('base64'), Buffer.from(KEY).toString('base64url'), JSON.stringify(KEY)];
    const server = await hostileServer((_req, res) => sendJson(res, { errors: [{ message: `bad key ${echoes.join(' ')}` }] }, 400, { 'x-request-id': KEY }));
    const run = await telco(['--verbose', '--endpoint', server.url, 'wherever', 'listSims', '--limit', '1'], { env: { WHEREVER_API_KEY: KEY, TELCO_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'telco-cfg-')) } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/\[wherever\] /);
    expect(leaks(run.stdout + run.stderr, [KEY])).toEqual([]);
  });
});
