import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Every metric name starts with this, so the platform's series are easy to select. */
export const METRIC_PREFIX = 'fpms_';

/** Latency buckets in seconds: from a fast primary-key read to a Stripe call near its timeout. */
export const LATENCY_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20];

/** Lag buckets in seconds: from "at once" to an hour behind. */
export const LAG_BUCKETS_SECONDS = [0.05, 0.25, 1, 5, 15, 60, 300, 900, 3600];

/** How long one scrape waits for a gauge's collector (a query, a queue check). */
const COLLECT_TIMEOUT_MS = 2_000;

interface MetricSpec<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
}

/**
 * One service's Prometheus registry, served at GET /metrics. A Nest provider rather than
 * prom-client's global registry: the test harness runs all five services in one process,
 * and each must answer with its own series. Metrics are get-or-create by name, so the
 * code that records them declares them where it records them (rpc.metrics.ts, …) and two
 * instances of one component share their series.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly collectors = new Map<string, Array<(gauge: Gauge<string>) => Promise<void> | void>>();

  /** `defaults`: the Node process metrics (CPU, memory, event loop lag, GC). */
  constructor(options: { defaults?: boolean } = {}) {
    if (options.defaults) collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
  }

  /** Records into a registry nobody scrapes: for code run outside a service (tools, unit tests). */
  static detached(): Metrics {
    return new Metrics();
  }

  counter<L extends string>(spec: MetricSpec<L>): Counter<L> {
    return this.existing<Counter<L>>(spec.name) ?? new Counter({ ...spec, labelNames: spec.labelNames ?? [], registers: [this.registry] });
  }

  histogram<L extends string>(spec: MetricSpec<L> & { buckets?: number[] }): Histogram<L> {
    return (
      this.existing<Histogram<L>>(spec.name) ??
      new Histogram({
        ...spec,
        labelNames: spec.labelNames ?? [],
        buckets: spec.buckets ?? LATENCY_BUCKETS_SECONDS,
        registers: [this.registry],
      })
    );
  }

  /**
   * A gauge; with `collect`, its value is read when Prometheus scrapes (keep that cheap).
   * Several components may collect into one gauge (each sets its own label values). A
   * collector that fails or takes longer than COLLECT_TIMEOUT_MS leaves its last values:
   * a scrape must still answer while the database or broker it reads is down.
   */
  gauge<L extends string>(spec: MetricSpec<L> & { collect?: (gauge: Gauge<L>) => Promise<void> | void }): Gauge<L> {
    const { collect, ...rest } = spec;
    const collectors = this.collectors;
    const gauge =
      this.existing<Gauge<L>>(spec.name) ??
      new Gauge<L>({
        ...rest,
        labelNames: spec.labelNames ?? [],
        registers: [this.registry],
        collect: async function (this: Gauge<L>) {
          await Promise.all(
            (collectors.get(spec.name) ?? []).map((run) => withTimeout(run(this), COLLECT_TIMEOUT_MS).catch(() => undefined)),
          );
        },
      });
    if (collect) {
      const list = collectors.get(spec.name) ?? [];
      list.push(collect as (gauge: Gauge<string>) => Promise<void> | void);
      collectors.set(spec.name, list);
    }
    return gauge;
  }

  /** The text exposition format Prometheus scrapes. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private existing<T>(name: string): T | undefined {
    return this.registry.getSingleMetric(name) as T | undefined;
  }
}

/** Seconds since `started` (a process.hrtime.bigint() reading), for histograms. */
export function secondsSince(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function withTimeout(work: Promise<void> | void, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    Promise.resolve(work),
    new Promise<void>((_, reject) => {
      timer = setTimeout(() => reject(new Error('collect timeout')), ms);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * One read shared by every gauge collected in the same scrape: the gauges that show parts of
 * one query (a backlog and its oldest age) call the returned function, and the query runs once.
 */
export function onePerScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let reading: Promise<T> | undefined;
  return () => (reading ??= read().finally(() => setImmediate(() => (reading = undefined))));
}
