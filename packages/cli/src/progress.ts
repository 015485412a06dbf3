/**
 * Progress on stderr for people: a cli-progress bar when stderr is a terminal, nothing when it is piped
 * or in CI (so logs and pipes carry only data). Loaded on first use.
 */
export interface Progress {
  update(items: number, pages: number, total?: number | undefined): void;
  stop(): void;
}

const silent: Progress = { update() {}, stop() {} };

export function wantsProgress(flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (flag === true) return true;
  return Boolean(process.stderr.isTTY) && !process.env.CI && process.env.TERM !== 'dumb';
}

export async function startProgress(enabled: boolean, label: string): Promise<Progress> {
  if (!enabled) return silent;
  const { default: cliProgress } = await import('cli-progress');
  let total: number | undefined;
  let bar: InstanceType<typeof cliProgress.SingleBar> | undefined;
  const make = (withTotal: boolean) =>
    new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: withTotal ? `${label} [{bar}] {percentage}% | {value}/{total} items | {pages} pages | {rate}/s | ETA {eta_formatted}` : `${label} {value} items | {pages} pages | {rate}/s`,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 20,
        fps: 10,
      },
      cliProgress.Presets.shades_classic,
    );
  const started = Date.now();
  return {
    update(items, pages, newTotal) {
      if (!bar || (newTotal !== undefined && total === undefined)) {
        bar?.stop();
        total = newTotal;
        bar = make(total !== undefined);
        bar.start(total ?? 0, items, { pages, rate: 0 });
      }
      const seconds = (Date.now() - started) / 1000;
      bar.update(items, { pages, rate: seconds > 0 ? Math.round(items / seconds) : 0 });
    },
    stop() {
      bar?.stop();
    },
  };
}
