/**
 * Review R2: bench section 1 runs each contender in a process of its own (bench/contender.mjs). A contender
 * that fails must fail the bench (not hang it) and leave no process behind.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs bench module, no types
import { contender } from '../bench/sections/overhead.mjs';

const servers: Server[] = [];
afterAll(() => servers.forEach((s) => s.close()));

describe('bench section 1: contender processes', () => {
  it('a contender whose calls fail mid-measure rejects its measure (the bench does not hang) and its process is gone', async () => {
    // A hostile endpoint: answers 200 with no data, so the client throws on every call.
    const server = createServer((_req, res) => res.setHeader('content-type', 'application/json').end('{"data":{}}'));
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    const proc = await contender('listSims', '@sdk client', `http://127.0.0.1:${port}/graphql`);
    const outcome = await Promise.race([proc.measure(5, 1).then(() => 'resolved', (e: Error) => `rejected: ${e.message}`), new Promise((r) => setTimeout(r, 5000, 'hung'))]);
    expect(outcome).toMatch(/^rejected: .*listSims/);
    proc.close();
    expect(proc.pid).toBeGreaterThan(0);
    // Gone within 3 s (polled: a loaded CI machine may take more than a moment to reap it).
    const alive = () => {
      try {
        process.kill(proc.pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 60 && alive(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(alive()).toBe(false);
  }, 15000);
});
