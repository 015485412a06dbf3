/**
 * telco: every operation of the wherever SIM, Totogi and MyPhone APIs from the shell, built from the
 * SDK clients' generated operation tables (no per-operation code here). Data goes to stdout (or --out),
 * progress and messages to stderr; exit codes are listed in `telco --help`.
 */
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { Command, Option } from 'commander';
import type { SdkEvent } from '@sdk/core';
import { Gate, dryRun, readRows, runBulk } from './bulk.js';
import { doctor, formatChecks } from './doctor.js';
import { EXIT, UsageError, describe, errorRecord, exitCodeOf } from './errors.js';
import { runExport } from './export.js';
import { findMethod, methodsOf, type Method } from './operations.js';
import { columnsOf, csvHeader, csvRows, formatNamed, formatResult, project, table } from './output.js';
import { credentialsFor, profilesFile, readProfiles, saveProfile } from './profiles.js';
import { startProgress, wantsProgress } from './progress.js';
import { fieldOf, loadSchema, variablesFrom, variablesOf } from './schema.js';
import { VENDORS, vendorNamed, type AnyClient, type RunningFake, type Vendor } from './vendors.js';

const VERSION = '0.1.0';

interface Globals {
  fake?: boolean;
  fakeSize?: string;
  profile?: string;
  endpoint?: string;
  timeout?: string;
  verbose?: boolean;
  progress?: boolean;
}

/** CLI options that an operation's variables may not shadow. */
const RESERVED = new Set(['all', 'format', 'columns', 'out', 'var', 'vars', 'vars-file', 'dry-run', 'help', 'concurrency', 'page-size', 'with-response']);

const fakes: RunningFake[] = [];
// `telco … | head` closes stdout early: that ends the output, not in a crash.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(EXIT.ok);
  throw err;
});
/**
 * The first Ctrl-C asks exports and bulk runs to stop after what is in flight (their progress is saved)
 * and cancels plain calls; a second one exits at once.
 */
const controller = new AbortController();
let interrupts = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write(`\n${signal}: finishing what is in flight and saving progress (again to stop at once)\n`);
      controller.abort(new Error(`stopped by ${signal}`));
    } else process.exit(EXIT.interrupted);
  });
}

function int(text: string | undefined, name: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${name} must be a whole number ≥ ${min}, got ${JSON.stringify(text)}`);
  return n;
}

/** The client for a command: fake, profile or environment credentials; events to stderr with --verbose. */
async function clientFor(vendor: Vendor, g: Globals, extra: { onEvent?: (e: SdkEvent) => void; dryRun?: boolean } = {}): Promise<{ client: AnyClient; endpoint: string | undefined }> {
  let credentials: Record<string, string>;
  let endpoint = g.endpoint;
  if (g.fake && !extra.dryRun) {
    const fake = await vendor.startFake(int(g.fakeSize, '--fake-size', 0) ?? 250);
    fakes.push(fake);
    credentials = fake.credentials;
    endpoint ??= fake.endpoint;
  } else credentials = extra.dryRun ? {} : credentialsFor(vendor, g.profile);
  const onEvent = (event: SdkEvent) => {
    extra.onEvent?.(event);
    if (g.verbose) process.stderr.write(`[${vendor.name}] ${JSON.stringify(event, (k, v) => (v instanceof Error ? `${v.name}: ${v.message}` : v))}\n`);
  };
  const client = await vendor.createClient({ credentials, endpoint, onEvent, dryRun: extra.dryRun, timeoutMs: int(g.timeout, '--timeout', 1) });
  return { client, endpoint };
}

function segmentOf(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m || Number(m[1]) >= Number(m[2])) throw new UsageError(`--segment takes i/n with 0 ≤ i < n, e.g. 0/4; got ${JSON.stringify(text)}`);
  return { index: Number(m[1]), count: Number(m[2]) };
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Variables of a call: --vars JSON, --vars-file, then --var name=value and the per-variable flags on top. */
function variablesOfCall(vendor: Vendor, method: Method, opts: Record<string, unknown>): Record<string, unknown> {
  let base: Record<string, unknown> = {};
  const parseObject = (text: string, where: string) => {
    try {
      const v = JSON.parse(text) as unknown;
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
      return v as Record<string, unknown>;
    } catch (err) {
      throw new UsageError(`${where} must be a JSON object of variables (${(err as Error).message})`);
    }
  };
  if (typeof opts.varsFile === 'string') base = { ...base, ...parseObject(readFileSync(opts.varsFile, 'utf8'), opts.varsFile) };
  if (typeof opts.vars === 'string') base = { ...base, ...parseObject(opts.vars, '--vars') };
  const pairs: [string, string][] = [];
  for (const v of variablesOf(vendor.name, method.operation)) {
    if (RESERVED.has(v.name)) continue;
    const value = opts[v.name];
    if (typeof value === 'string') pairs.push([v.name, value]);
  }
  for (const text of (opts.var as string[] | undefined) ?? []) {
    const at = text.indexOf('=');
    if (at <= 0) throw new UsageError(`--var takes name=value, got ${JSON.stringify(text)}`);
    pairs.push([text.slice(0, at), text.slice(at + 1)]);
  }
  return variablesFrom(vendor.name, method.operation, pairs, base);
}

function firstLine(text: string | undefined | null): string {
  return (text ?? '').split('\n').find((l) => l.trim())?.trim() ?? '';
}

function out(opts: { out?: string }): { stream: NodeJS.WritableStream; done(): Promise<void> } {
  if (!opts.out) return { stream: process.stdout, done: async () => {} };
  const stream: WriteStream = createWriteStream(opts.out);
  return { stream, done: () => new Promise((r, j) => stream.end((err?: Error | null) => (err ? j(err) : r()))) };
}

async function runOperation(vendor: Vendor, method: Method, g: Globals, opts: Record<string, unknown>): Promise<number> {
  const variables = variablesOfCall(vendor, method, opts);
  const columns = typeof opts.columns === 'string' ? opts.columns.split(',').map((c) => c.trim()).filter(Boolean) : undefined;
  if (opts.dryRun) {
    const { client } = await clientFor(vendor, g, { dryRun: true });
    const m = findMethod(methodsOf(client), method.path, vendor.name);
    const [result] = await dryRun(m, [{ row: 1, variables }]);
    process.stdout.write(`${JSON.stringify({ operation: method.operation.name, variables, ...result })}\n`);
    return result!.valid ? EXIT.ok : EXIT.usage;
  }
  const { client } = await clientFor(vendor, g);
  const m = findMethod(methodsOf(client), method.path, vendor.name);
  const target = out(opts as { out?: string });
  if (opts.all) {
    if (!m.call.pages || !m.operation.pagination) throw new UsageError(`${method.path} is not a list: --all walks list operations`);
    const format = formatNamed(opts.format as string | undefined, 'ndjson');
    const { pageItems } = await import('@sdk/core');
    const progress = await startProgress(wantsProgress(g.progress), method.path);
    const pages = m.call.pages(variables, { signal: controller.signal, ...(opts.concurrency ? { concurrency: int(opts.concurrency as string, '--concurrency', 1) } : {}) });
    let count = 0;
    let n = 0;
    let cols = columns;
    const buffered: unknown[] = [];
    if (format === 'json') target.stream.write('[');
    try {
      for await (const page of pages) {
        const items = pageItems(m.operation.pagination, page);
        if (format === 'ndjson') target.stream.write(items.map((i) => `${JSON.stringify(project(i, columns))}\n`).join(''));
        else if (format === 'json') target.stream.write(items.map((i, k) => `${count + k === 0 ? '\n' : ',\n'}${JSON.stringify(project(i, columns))}`).join(''));
        else if (format === 'csv') {
          if (!cols && items.length) {
            cols = columnsOf(items[0]);
          }
          if (cols && count === 0 && items.length) target.stream.write(csvHeader(cols));
          if (cols && items.length) target.stream.write(csvRows(items, cols));
        } else buffered.push(...items);
        count += items.length;
        progress.update(count, ++n);
      }
    } finally {
      progress.stop();
      if (format === 'json') target.stream.write(count ? '\n]\n' : ']\n');
      if (format === 'table') target.stream.write(table(buffered, cols ?? columnsOf(buffered[0])));
      await target.done();
    }
    return EXIT.ok;
  }
  const format = formatNamed(opts.format as string | undefined, 'json');
  const result = await m.call(variables, { signal: controller.signal });
  const list = m.operation.pagination ? (await import('@sdk/core')).pageItems(m.operation.pagination, result) : undefined;
  target.stream.write(formatResult(format === 'json' || !list ? result : list, format, columns));
  await target.done();
  return EXIT.ok;
}

async function addVendor(program: Command, vendor: Vendor, g: () => Globals): Promise<void> {
  const cmd = program.command(vendor.name).description(`${vendor.name} operations, exports, bulk changes and checks`);
  // The operations come from a client's method tree; a dry-run client needs no credentials.
  const methods = methodsOf(await vendor.createClient({ credentials: {}, dryRun: true }));
  {
    const schema = loadSchema(vendor.name);
    cmd
      .command('operations')
      .description('list every operation (path, kind, list or not, description)')
      .option('--json', 'as JSON')
      .action((o: { json?: boolean }) => {
        const rows = methods.map((m) => ({ method: m.path, operation: m.operation.name, kind: m.operation.kind, list: Boolean(m.operation.pagination), description: firstLine(fieldOf(schema, m.operation)?.description) }));
        process.stdout.write(o.json ? `${JSON.stringify(rows, null, 2)}\n` : table(rows, ['method', 'kind', 'list', 'description']));
      });

    for (const method of methods) {
      const field = fieldOf(schema, method.operation);
      const sub = cmd.command(method.path).description(`${firstLine(field?.description) || `Runs ${method.operation.name}`} (${method.operation.kind} ${method.operation.name})`);
      sub.addHelpText('after', `\n${(field?.description ?? '').trim()}\n`);
      for (const v of variablesOf(vendor.name, method.operation)) {
        if (RESERVED.has(v.name)) continue;
        sub.addOption(new Option(`--${v.name} <${v.typeName.replace(/[[\]!]/g, '')}>`, `${v.typeName}: ${firstLine(v.description) || v.name}${v.required ? ' (required)' : ''}`));
      }
      sub
        .option('--var <name=value>', 'a variable (dotted names set nested fields); repeatable', collect)
        .option('--vars <json>', 'variables as a JSON object')
        .option('--vars-file <file>', 'variables from a JSON file')
        .option('--format <format>', 'json (default), ndjson, csv or table')
        .option('--columns <list>', 'comma-separated fields to output (dotted for nested)')
        .option('--out <file>', 'write to a file instead of stdout')
        .option('--dry-run', 'check the variables as the SDK would and send nothing');
      if (method.operation.pagination) {
        sub.option('--all', 'every item of every page, streamed (ndjson by default)').option('--concurrency <n>', 'pages fetched at once where the list allows');
      }
      sub.action(async (opts: Record<string, unknown>) => {
        process.exitCode = await runOperation(vendor, method, g(), opts);
      });
    }

    cmd
      .command('batch')
      .description('run many calls from NDJSON lines {"operation": "listSims", "variables": {…}} (a file or stdin); one result line each')
      .option('--in <file>', 'the calls (default: stdin)')
      .action(async (opts: { in?: string }) => {
        const { client } = await clientFor(vendor, g());
        const all = methodsOf(client);
        let text = '';
        if (opts.in) text = readFileSync(opts.in, 'utf8');
        else for await (const c of process.stdin) text += String(c);
        let failed = 0;
        for (const [i, line] of text.split('\n').entries()) {
          if (!line.trim()) continue;
          let entry: { operation?: unknown; variables?: unknown };
          try {
            entry = JSON.parse(line) as typeof entry;
          } catch {
            throw new UsageError(`line ${i + 1}: not JSON`);
          }
          const record: Record<string, unknown> = { line: i + 1, operation: entry.operation };
          try {
            const m = findMethod(all, String(entry.operation), vendor.name);
            record.result = await m.call((entry.variables ?? {}) as Record<string, unknown>, { signal: controller.signal });
            record.ok = true;
          } catch (err) {
            failed++;
            record.ok = false;
            record.error = errorRecord(err);
            record.exitCode = exitCodeOf(err);
          }
          process.stdout.write(`${JSON.stringify(record)}\n`);
          if (controller.signal.aborted) break;
        }
        process.exitCode = failed ? EXIT.failed : EXIT.ok;
      });

    cmd
      .command('export [operation]')
      .description(`export every item of a list (default ${vendor.mainList}) to CSV or NDJSON, resumable`)
      .requiredOption('--out <file>', 'output file')
      .option('--format <format>', 'csv or ndjson (default: from the file name, else ndjson)')
      .option('--columns <list>', 'comma-separated fields (dotted for nested); default: every field')
      .option('--var <name=value>', 'a variable (e.g. a filter); repeatable', collect)
      .option('--vars <json>', 'variables as a JSON object')
      .option('--checkpoint <file>', 'checkpoint file (default: <out>.checkpoint.json)')
      .option('--resume', 'continue an interrupted export from its checkpoint')
      .option('--force', 'overwrite an existing output file')
      .option('--concurrency <n>', 'pages fetched at once where the list allows (MyPhone)')
      .option('--parts <n>', 'walk the list in this many parts at once where it can be split (wherever listSims by ICCID prefix)')
      .option('--segment <i/n>', 'export only segment i of n (0-based), so n workers export disjoint parts')
      .action(async (name: string | undefined, opts: Record<string, unknown>) => {
        const globals = g();
        const { client } = await clientFor(vendor, globals);
        const method = findMethod(methodsOf(client), name ?? vendor.mainList, vendor.name);
        const file = opts.out as string;
        const format = (opts.format as string | undefined) ?? (/\.csv$/i.test(file) ? 'csv' : 'ndjson');
        if (format !== 'csv' && format !== 'ndjson') throw new UsageError(`export --format must be csv or ndjson, got ${JSON.stringify(format)}`);
        const progress = await startProgress(wantsProgress(globals.progress), `export ${method.path}`);
        const cp = await runExport({
          vendor: vendor.name,
          method,
          variables: variablesOfCall(vendor, method, opts),
          out: file,
          format,
          columns: typeof opts.columns === 'string' ? opts.columns.split(',').map((c) => c.trim()).filter(Boolean) : undefined,
          checkpoint: (opts.checkpoint as string | undefined) ?? `${file}.checkpoint.json`,
          resume: Boolean(opts.resume),
          force: Boolean(opts.force),
          iterate: {
            ...(opts.concurrency ? { concurrency: int(opts.concurrency as string, '--concurrency', 1) } : {}),
            ...(opts.parts ? { parts: int(opts.parts as string, '--parts', 1) } : {}),
            ...(opts.segment ? { segment: segmentOf(opts.segment as string) } : {}),
          },
          progress,
          signal: controller.signal,
        });
        process.stderr.write(`${cp.done ? 'exported' : 'stopped after'} ${cp.items} items (${cp.pages} pages) to ${file}${cp.done ? '' : '; run again with --resume to continue'}\n`);
        process.exitCode = cp.done ? EXIT.ok : EXIT.interrupted;
      });

    cmd
      .command('bulk <operation>')
      .description('apply one operation per row of a CSV or NDJSON file, with a results file and resume')
      .requiredOption('--in <file>', 'rows: CSV with variable names as headers (dotted for nested fields), or NDJSON objects')
      .option('--results <file>', 'results file, one JSON line per outcome (default: <in>.results.ndjson)')
      .option('--concurrency <n>', 'rows in flight at once (default 4); a rate limit pauses them all', '4')
      .option('--dry-run', 'check every row as the SDK would and send nothing')
      .option('--resume', 'continue a stopped run: rows with a known outcome are never sent again')
      .option('--retry-unknown', 're-send rows whose outcome is unknown (sent, no answer); only when you know they did not apply')
      .action(async (name: string, opts: Record<string, unknown>) => {
        const globals = g();
        const gate = new Gate();
        const dry = Boolean(opts.dryRun);
        const { client } = await clientFor(vendor, globals, { onEvent: gate.onEvent, dryRun: dry });
        const method = findMethod(methodsOf(client), name, vendor.name);
        if (method.operation.kind !== 'mutation') throw new UsageError(`bulk applies mutations; ${method.path} is a ${method.operation.kind}`);
        const input = readRows(vendor.name, method, opts.in as string);
        if (dry) {
          const results = await dryRun(method, input.rows);
          for (const r of results) process.stdout.write(`${JSON.stringify(r)}\n`);
          const bad = results.filter((r) => !r.valid).length;
          process.stderr.write(`dry run: ${results.length - bad} of ${results.length} rows valid; nothing was sent\n`);
          process.exitCode = bad ? EXIT.usage : EXIT.ok;
          return;
        }
        const results = (opts.results as string | undefined) ?? `${opts.in as string}.results.ndjson`;
        const progress = await startProgress(wantsProgress(globals.progress), `bulk ${method.path}`);
        const summary = await runBulk({
          vendor: vendor.name,
          method,
          client,
          input,
          results,
          concurrency: int(opts.concurrency as string, '--concurrency', 1)!,
          resume: Boolean(opts.resume),
          retryUnknown: Boolean(opts.retryUnknown),
          verifier: method.path in vendor.idempotent ? vendor.idempotent[method.path] : undefined,
          gate,
          progress,
          signal: controller.signal,
        });
        const lines = [`applied ${summary.applied}, rejected ${summary.rejected}, unknown ${summary.unknown}, not attempted ${summary.notAttempted} of ${input.rows.length} rows (results: ${results})`];
        if (summary.unknown) lines.push(`unknown outcome (sent, no answer; not re-sent): rows ${summary.unknownRows.slice(0, 20).join(', ')}${summary.unknown > 20 ? ', …' : ''}`);
        if (summary.notAttempted) lines.push('run again with --resume to send the rows not attempted');
        if (gate.pauses) lines.push(`rate limits paused all rows ${gate.pauses} times`);
        process.stderr.write(`${lines.join('\n')}\n`);
        process.exitCode = controller.signal.aborted ? EXIT.interrupted : summary.rejected || summary.unknown || summary.notAttempted ? EXIT.failed : EXIT.ok;
      });

    cmd
      .command('schema-check')
      .description("introspect the live endpoint and report which operations it still accepts, and what it has that the SDK does not select")
      .option('--json', 'the full report as JSON')
      .action(async (o: { json?: boolean }) => {
        const { client } = await clientFor(vendor, g());
        const { checkSchema } = await import('@sdk/core/schema-check');
        const report = await checkSchema(client);
        process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : `${report.summary}\n`);
        process.exitCode = report.rejected.length ? EXIT.failed : EXIT.ok;
      });

    cmd
      .command('doctor')
      .description('check the endpoint, the credentials, the live schema and the clock, one line each')
      .action(async () => {
        const globals = g();
        const { client, endpoint } = await clientFor(vendor, globals);
        const target = endpoint ?? ((client as { toJSON?: () => { endpoint: string } }).toJSON?.().endpoint as string);
        const checks = await doctor(vendor, client, methodsOf(client), target);
        process.stdout.write(formatChecks(checks));
        process.exitCode = checks.some((c) => c.ok === false) ? EXIT.failed : EXIT.ok;
      });
  }
}

async function main(argv: string[]): Promise<number> {
  const program = new Command('telco')
    .version(VERSION)
    .description('Every wherever SIM, Totogi and MyPhone operation from the shell: calls, exports and bulk changes.')
    .option('--fake', 'run against the embedded fake of the vendor API (seeded data; no account needed)')
    .option('--fake-size <n>', 'items the fake is seeded with (default 250)')
    .option('--profile <name>', 'credentials from this profile instead of the environment')
    .option('--endpoint <url>', 'GraphQL endpoint (default: the vendor’s documented one)')
    .option('--timeout <ms>', 'per-attempt timeout')
    .option('--verbose', 'print every request, retry and token event to stderr (secrets scrubbed)')
    .option('--progress', 'show progress even when stderr is not a terminal')
    .option('--no-progress', 'never show progress')
    .showHelpAfterError()
    .addHelpText(
      'after',
      `
Credentials come from the environment (${VENDORS.map((v) => Object.values(vendorNamed(v).credentials).map((c) => c.env).join(', ')).join('; ')})
or a profile saved with \`telco profile set <vendor>\` (${profilesFile()}, mode 0600).

Exit codes: 0 ok; 1 the API refused, or a bulk run has rejected/unknown/unsent rows; 2 bad usage or input (nothing sent);
3 credentials missing or refused; 4 network or server unavailable after retries; 130 interrupted (progress saved).

Examples:
  telco --fake wherever listSims --limit 5 --format table
  telco --fake wherever export --out sims.csv --columns iccid,statusid,monthly_data_volume
  telco --fake myphone bulk simcard.changeTariff --in changes.csv --results results.ndjson
  telco wherever doctor`,
    );
  const g = () => program.opts<Globals>();

  const profile = program.command('profile').description('save credentials for a vendor under a name; values are never printed');
  profile
    .command('set <vendor>')
    .description("save the vendor's credentials from its environment variables, or from a JSON object on stdin with --stdin")
    .option('--name <profile>', 'profile name', 'default')
    .option('--stdin', 'read {"key": "value", …} from stdin')
    .action(async (name: string, o: { name: string; stdin?: boolean }) => {
      const vendor = vendorNamed(name);
      let values: Record<string, string> = {};
      if (o.stdin) {
        const chunks: Buffer[] = [];
        for await (const c of process.stdin) chunks.push(c as Buffer);
        values = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, string>;
      } else for (const [key, spec] of Object.entries(vendor.credentials)) if (process.env[spec.env]) values[key] = process.env[spec.env]!;
      const keys = saveProfile(vendor, o.name, values);
      process.stderr.write(`saved ${vendor.name} ${keys.join(', ')} in profile ${o.name} (${profilesFile()})\n`);
    });
  profile
    .command('list')
    .description('profiles and which credentials each holds (never the values)')
    .action(() => {
      for (const [name, entry] of Object.entries(readProfiles())) {
        process.stdout.write(`${name}: ${Object.entries(entry).map(([v, c]) => `${v} (${Object.keys(c ?? {}).join(', ')})`).join('; ')}\n`);
      }
    });

  // Only the vendor named on the command line is loaded (its SDK and schema).
  const named = argv.slice(2).find((a) => (VENDORS as readonly string[]).includes(a));
  for (const name of VENDORS) {
    if (name === named) await addVendor(program, vendorNamed(name), g);
    else program.command(name).description(`${name} operations, exports, bulk changes and checks`).allowUnknownOption().action(() => {});
  }
  await program.parseAsync(argv);
  return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
}

main(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`telco: ${describe(err)}\n`);
    return exitCodeOf(err);
  })
  .then(async (code) => {
    await Promise.all(fakes.map((f) => f.close().catch(() => undefined)));
    process.exitCode = code;
  });
