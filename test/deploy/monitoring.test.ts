import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { Metrics } from '@fpms/common/metrics/metrics';
import { K8S_DIR, parseManifests } from './k8s-render';

const ROOT = join(__dirname, '..', '..');
const MONITORING = join(K8S_DIR, 'monitoring');

/** Every `name: 'fpms_…'` a metric is declared with in apps/ and libs/. */
function declaredInCode(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !/\.(spec|test)\.ts$/.test(entry.name)) {
        for (const [, name] of readFileSync(path, 'utf8').matchAll(/name: '(fpms_[a-z0-9_]+)'/g)) names.add(name);
      }
    }
  };
  walk(join(ROOT, 'apps'));
  walk(join(ROOT, 'libs'));
  return names;
}

/** The Node process metrics (fpms_process_…, fpms_nodejs_…) every registry collects. */
async function defaultMetricNames(): Promise<Set<string>> {
  const json = await new Metrics({ defaults: true }).registry.getMetricsAsJSON();
  return new Set(json.map((m) => m.name));
}

/** A series name back to its metric: histograms expose _bucket, _count and _sum. */
const metricOf = (series: string) => series.replace(/_(bucket|count|sum)$/, '');

/**
 * k8s/monitoring: the alert rules and the dashboard read only metrics the services
 * actually expose, and the directory renders (kustomize) into the objects the runbook names.
 */
describe('k8s/monitoring', () => {
  const rendered = parseManifests(execFileSync('kubectl', ['kustomize', MONITORING], { encoding: 'utf8' }));
  const rules = rendered.find((o) => o.kind === 'PrometheusRule')!;
  const dashboard = rendered.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'fpms-grafana-dashboard')!;

  it('renders a PodMonitor, the alert rules and the dashboard ConfigMap', () => {
    expect(rendered.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/fpms-grafana-dashboard',
      'PodMonitor/fpms',
      'PrometheusRule/fpms',
    ]);
    expect(dashboard.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
    const monitor = rendered.find((o) => o.kind === 'PodMonitor')!;
    expect(monitor.spec.podMetricsEndpoints).toEqual([expect.objectContaining({ port: 'http', path: '/metrics' })]);
  });

  it('alerts and charts only on metrics the services expose', async () => {
    const known = new Set([...declaredInCode(), ...(await defaultMetricNames())]);
    const alerts: Array<{ alert: string; expr: string }> = rules.spec.groups.flatMap((g: { rules: unknown[] }) => g.rules);
    const panels: Array<{ title: string; targets?: Array<{ expr: string }> }> = JSON.parse(dashboard.data['grafana-dashboard.json']).panels;
    const uses = [
      ...alerts.map((a) => ({ where: `alert ${a.alert}`, expr: a.expr })),
      ...panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: `panel ${p.title}`, expr: t.expr }))),
    ];
    expect(uses.length).toBeGreaterThan(40);
    const unknown = uses.flatMap(({ where, expr }) =>
      [...expr.matchAll(/\bfpms_[a-z0-9_]+/g)]
        .map(([series]) => metricOf(series))
        .filter((m) => !known.has(m))
        .map((m) => `${where}: ${m}`),
    );
    expect(unknown).toEqual([]);
    // Every alert says what it is about; the runbook explains each by name.
    const runbook = readFileSync(join(ROOT, 'docs', 'operations.md'), 'utf8');
    expect(alerts.filter((a) => !runbook.includes(a.alert)).map((a) => a.alert)).toEqual([]);
  });
});
