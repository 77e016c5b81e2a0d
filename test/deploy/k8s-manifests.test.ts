import { SERVICE_NAMES } from '@fpms/database';
import { K8sObject, modelFor, OVERLAYS, renderOverlay, secretTemplates, selects } from './k8s-render';
import { serviceEnvNeeds } from './service-env';

/**
 * What an operator relies on in k8s/: every overlay renders with kubectl's kustomize, every
 * object is valid for the pinned Kubernetes schemas (kubernetes-models), and the rules of
 * docs/deploy.md hold for every Deployment of every overlay.
 */
const DRAIN_SECONDS = 30; // EventConsumer's stop timeout: in-flight handlers finish within it.
const NODE_RUNTIME_VARIABLES = new Set(['NODE_OPTIONS']);
const needs = serviceEnvNeeds();
const templates = secretTemplates();

type Pod = { owner: string; labels: Record<string, string>; spec: K8sObject['spec'] };

function podsOf(objects: K8sObject[]): Pod[] {
  return objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'Job')
    .map((o) => ({ owner: `${o.kind}/${o.metadata.name}`, labels: o.spec.template.metadata.labels, spec: o.spec.template.spec }));
}

function byKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

function one(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`${kind}/${name} is not rendered`);
  return found;
}

/** The variable names a container gets from its envFrom ConfigMaps (rendered) and Secrets (templates), and env. */
function providedVariables(objects: K8sObject[], container: K8sObject['spec']): Set<string> {
  const names = new Set<string>();
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) Object.keys(one(objects, 'ConfigMap', source.configMapRef.name).data ?? {}).forEach((k) => names.add(k));
    if (source.secretRef) {
      const secret = templates.find((t) => t.metadata.name === source.secretRef.name);
      if (!secret) throw new Error(`Secret ${source.secretRef.name} has no template in k8s/secrets`);
      Object.keys(secret.stringData ?? {}).forEach((k) => names.add(k));
    }
  }
  for (const variable of container.env ?? []) names.add(variable.name);
  return names;
}

function egressPorts(policies: K8sObject[], labels: Record<string, string>): Set<number> {
  const ports = new Set<number>();
  for (const p of policies.filter((p) => selects(p.spec.podSelector, labels) && (p.spec.policyTypes ?? []).includes('Egress'))) {
    for (const rule of p.spec.egress ?? []) for (const port of rule.ports ?? []) ports.add(port.port);
  }
  return ports;
}

/** The rule letting Prometheus (namespace `monitoring`) scrape /metrics. */
function isPrometheusScrape(rule: K8sObject['spec']): boolean {
  return (
    rule.from?.length === 1 &&
    rule.from[0].namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'monitoring' &&
    rule.from[0].podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'prometheus'
  );
}

function ingressRules(policies: K8sObject[], labels: Record<string, string>): K8sObject[] {
  return policies.filter((p) => selects(p.spec.podSelector, labels)).flatMap((p) => p.spec.ingress ?? []);
}

describe.each(OVERLAYS)('k8s overlay %s', (overlay) => {
  const objects = renderOverlay(overlay);
  const deployments = byKind(objects, 'Deployment');
  const policies = byKind(objects, 'NetworkPolicy');

  it('renders objects that are all valid for the pinned Kubernetes schemas', () => {
    expect(objects.length).toBeGreaterThan(40);
    const invalid: string[] = [];
    for (const object of objects) {
      try {
        modelFor(object).validate();
      } catch (error) {
        invalid.push(`${object.kind}/${object.metadata.name}: ${(error as Error).message}`);
      }
    }
    expect(invalid).toEqual([]);
    // One namespace for everything, created by the overlay.
    const namespace = one(objects, 'Namespace', overlay === 'prod' ? 'fpms' : 'fpms-dev').metadata.name;
    expect(objects.filter((o) => o.kind !== 'Namespace').every((o) => o.metadata.namespace === namespace)).toBe(true);
  });

  it('has one Deployment, Service, PodDisruptionBudget, autoscaler, identity and migration Job per service', () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(SERVICE_NAMES.map((s) => `fpms-${s}`).sort());
    for (const service of SERVICE_NAMES) {
      const deployment = one(objects, 'Deployment', `fpms-${service}`);
      const podLabels = deployment.spec.template.metadata.labels;
      expect(selects(deployment.spec.selector, podLabels)).toBe(true);
      expect(selects({ matchLabels: one(objects, 'Service', `fpms-${service}`).spec.selector }, podLabels)).toBe(true);
      expect(selects(one(objects, 'PodDisruptionBudget', `fpms-${service}`).spec.selector, podLabels)).toBe(true);
      const hpa = one(objects, 'HorizontalPodAutoscaler', `fpms-${service}`).spec;
      expect(hpa.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: `fpms-${service}` });
      expect(hpa.minReplicas).toBeGreaterThanOrEqual(overlay === 'prod' ? 3 : 1);
      expect(hpa.maxReplicas).toBeGreaterThan(hpa.minReplicas);
      if (overlay === 'prod') expect(deployment.spec.replicas).toBeGreaterThanOrEqual(3);
      const account = one(objects, 'ServiceAccount', deployment.spec.template.spec.serviceAccountName);
      expect(account.automountServiceAccountToken).toBe(false);

      const job = one(objects, 'Job', `fpms-${service}-migrate`);
      const [migrator] = job.spec.template.spec.containers;
      expect(migrator.command).toEqual(['node', 'dist/tools/infra/provision-cli.js', 'migrate', '--service', service]);
      expect(migrator.image).toBe(deployment.spec.template.spec.containers[0].image);
      expect(job.metadata.annotations?.['argocd.argoproj.io/hook']).toBe('PreSync');
    }
  });

  it('gives every pod probes, requests and limits, and the locked-down security context', () => {
    for (const deployment of deployments) {
      const pod = deployment.spec.template.spec;
      const [container] = pod.containers;
      const port = container.ports[0].containerPort;
      expect({ name: deployment.metadata.name, port }).toEqual({
        name: deployment.metadata.name,
        port: needs[deployment.metadata.name.replace('fpms-', '') as keyof typeof needs].defaultPort,
      });
      for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
        expect(container[probe]?.httpGet?.path).toMatch(/^\/health\/(live|ready)$/);
      }
      expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
      // Prometheus finds /metrics on the container's own port.
      expect(deployment.spec.template.metadata.annotations).toEqual({
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': String(port),
        'prometheus.io/path': '/metrics',
      });
      expect(container.livenessProbe.httpGet.path).toBe('/health/live');
      // A drain that has time to finish: preStop pause + consumers' stop timeout, within the grace period.
      const preStop = Number(container.lifecycle?.preStop?.exec?.command?.[1] ?? 0);
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(preStop + DRAIN_SECONDS);
    }
    for (const pod of podsOf(objects)) {
      expect({ owner: pod.owner, automount: pod.spec.automountServiceAccountToken }).toEqual({ owner: pod.owner, automount: false });
      expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.spec.securityContext.runAsUser).toBeGreaterThan(0);
      for (const container of pod.spec.containers) {
        expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
        expect(container.securityContext.privileged ?? false).toBe(false);
        expect(container.securityContext.capabilities.drop).toEqual(['ALL']);
        expect(container.securityContext.capabilities.add ?? []).toEqual([]);
        for (const kind of ['requests', 'limits']) {
          expect({
            owner: pod.owner,
            kind,
            cpu: !!container.resources?.[kind]?.cpu,
            memory: !!container.resources?.[kind]?.memory,
          }).toEqual({
            owner: pod.owner,
            kind,
            cpu: true,
            memory: true,
          });
        }
        // Pinned: a version tag or a digest, never latest or no tag at all.
        expect(container.image).toMatch(/(:(?!latest$)[\w][\w.-]*|@sha256:[a-f0-9]{64})$/);
        // What must write (Node's temp files) writes to an emptyDir, not the read-only root.
        const tmp = pod.spec.volumes.find(
          (v: { name: string }) => v.name === container.volumeMounts.find((m: { mountPath: string }) => m.mountPath === '/tmp')?.name,
        );
        expect(tmp?.emptyDir).toBeDefined();
      }
    }
  });

  it('gives each service exactly the variables its config schema needs, secrets from templates only', () => {
    for (const service of SERVICE_NAMES) {
      const container = one(objects, 'Deployment', `fpms-${service}`).spec.template.spec.containers[0];
      const provided = providedVariables(objects, container);
      const missing = [...needs[service].required].filter((name) => !provided.has(name) && name !== 'JWT_KEYS_DIR');
      const unknown = [...provided].filter((name) => !needs[service].known.has(name) && !NODE_RUNTIME_VARIABLES.has(name));
      expect({ service, missing, unknown }).toEqual({ service, missing: [], unknown: [] });
      expect(provided.has('JWT_KEYS_DIR')).toBe(true);
      // Credentials and signing secrets come from Secrets, never a ConfigMap (whatever their local default).
      const inConfigMaps = (container.envFrom ?? [])
        .filter((source: K8sObject['spec']) => source.configMapRef)
        .flatMap((source: K8sObject['spec']) => Object.keys(one(objects, 'ConfigMap', source.configMapRef.name).data ?? {}));
      expect(inConfigMaps.filter((name: string) => /SECRET|PASSWORD|_URL$/.test(name) && name !== 'APP_PUBLIC_URL')).toEqual([]);
    }
    // A migration Job gets the owner's password; no service does.
    for (const service of SERVICE_NAMES) {
      const container = one(objects, 'Deployment', `fpms-${service}`).spec.template.spec.containers[0];
      expect(providedVariables(objects, container).has('FPMS_DB_PASSWORD')).toBe(false);
      const migrator = one(objects, 'Job', `fpms-${service}-migrate`).spec.template.spec.containers[0];
      expect([...providedVariables(objects, migrator)]).toEqual(expect.arrayContaining(['FPMS_DB_PASSWORD', 'PGHOST', 'PGPORT']));
    }
  });

  it('renders no Secret with a value; every referenced Secret has an empty template', () => {
    for (const secret of byKind(objects, 'Secret')) {
      expect({ name: secret.metadata.name, data: secret.data ?? {}, stringData: secret.stringData ?? {} }).toEqual({
        name: secret.metadata.name,
        data: {},
        stringData: {},
      });
    }
    for (const template of templates) {
      expect(Object.values(template.data ?? {})).toEqual([]);
      expect(Object.values(template.stringData ?? {}).every((value) => value === '')).toBe(true);
    }
    const referenced = podsOf(objects).flatMap((pod) => [
      ...pod.spec.containers.flatMap((c: K8sObject['spec']) =>
        (c.envFrom ?? []).filter((s: K8sObject['spec']) => s.secretRef).map((s: K8sObject['spec']) => s.secretRef.name),
      ),
      ...(pod.spec.volumes ?? []).filter((v: K8sObject['spec']) => v.secret).map((v: K8sObject['spec']) => v.secret.secretName),
    ]);
    const templateNames = new Set(templates.map((t) => t.metadata.name));
    expect([...new Set(referenced)].filter((name) => !templateNames.has(name))).toEqual([]);
  });

  it('denies all traffic by default and allows each pod only what it needs', () => {
    const denyAll = policies.find((p) => Object.keys(p.spec.podSelector).length === 0 && !p.spec.ingress && !p.spec.egress);
    expect(denyAll?.spec.policyTypes.sort()).toEqual(['Egress', 'Ingress']);
    const allowed = { dns: 53, postgres: 5432, amqp: 5672, amqps: 5671, redis: 6379, https: 443, submission: 587, smtps: 465, otlp: 4318 };
    for (const pod of podsOf(objects)) {
      const ports = egressPorts(policies, pod.labels);
      expect({ owner: pod.owner, dns: ports.has(53), postgres: ports.has(5432), amqp: ports.has(5672) }).toEqual({
        owner: pod.owner,
        dns: true,
        postgres: true,
        amqp: true,
      });
      expect([...ports].filter((p) => !Object.values(allowed).includes(p))).toEqual([]);
      const name = pod.labels['app.kubernetes.io/name'];
      const isServer = pod.labels['app.kubernetes.io/component'] === 'server';
      // HTTPS out: billing (Stripe) and files (S3) only.
      expect({ owner: pod.owner, https: ports.has(443) }).toEqual({
        owner: pod.owner,
        https: isServer && ['fpms-billing', 'fpms-files'].includes(name),
      });
      expect({ owner: pod.owner, redis: ports.has(6379) }).toEqual({ owner: pod.owner, redis: isServer && name === 'fpms-gateway' });
      // Spans out (OTLP/HTTP): every server, to the OpenTelemetry Collector in `monitoring` only.
      expect({ owner: pod.owner, otlp: ports.has(4318) }).toEqual({ owner: pod.owner, otlp: isServer });
      const otlpRules = policies
        .filter((p) => selects(p.spec.podSelector, pod.labels))
        .flatMap((p) => p.spec.egress ?? [])
        .filter((rule: K8sObject['spec']) => (rule.ports ?? []).some((p: { port: number }) => p.port === 4318));
      for (const rule of otlpRules) {
        expect(rule.to).toEqual([
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
            podSelector: { matchLabels: { 'app.kubernetes.io/name': 'opentelemetry-collector' } },
          },
        ]);
      }
      // SMTP out: messaging only.
      expect({ owner: pod.owner, smtp: ports.has(587) || ports.has(465) }).toEqual({
        owner: pod.owner,
        smtp: isServer && name === 'fpms-messaging',
      });

      // In: Prometheus on each server's HTTP port (/metrics), and nothing else from inside the cluster.
      const scrapeRules = ingressRules(policies, pod.labels).filter((rule: K8sObject['spec']) => isPrometheusScrape(rule));
      if (isServer) {
        const port = pod.spec.containers[0].ports[0].containerPort;
        expect({
          owner: pod.owner,
          scraped: scrapeRules.some((r: K8sObject['spec']) => r.ports.some((p: { port: number }) => p.port === port)),
        }).toEqual({
          owner: pod.owner,
          scraped: true,
        });
      } else {
        expect({ owner: pod.owner, scrapeRules }).toEqual({ owner: pod.owner, scrapeRules: [] });
      }
      // In otherwise: only the gateway and billing's webhooks, only from the ingress controller, only on their HTTP port.
      const rules = ingressRules(policies, pod.labels).filter((rule: K8sObject['spec']) => !isPrometheusScrape(rule));
      if (isServer && ['fpms-gateway', 'fpms-billing'].includes(name)) {
        const port = name === 'fpms-gateway' ? 3000 : 3004;
        expect(rules).toEqual([
          {
            from: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
                podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
              },
            ],
            ports: [{ protocol: 'TCP', port }],
          },
        ]);
      } else {
        expect({ owner: pod.owner, rules }).toEqual({ owner: pod.owner, rules: [] });
      }
    }
  });

  it('routes /api and the socket path to the gateway and /webhooks/stripe to billing, nothing else', () => {
    const [ingress] = byKind(objects, 'Ingress');
    const routes = ingress.spec.rules.flatMap((rule: K8sObject['spec']) =>
      rule.http.paths.map((p: K8sObject['spec']) => `${p.path} -> ${p.backend.service.name}:${p.backend.service.port.name}`),
    );
    expect(routes.sort()).toEqual([
      '/api -> fpms-gateway:http',
      '/socket.io -> fpms-gateway:http',
      '/webhooks/stripe -> fpms-billing:http',
    ]);
    if (overlay === 'prod') expect(ingress.spec.tls?.[0]?.secretName).toBe('fpms-tls');
  });

  it(`runs ${overlay === 'prod' ? 'quorum' : 'classic'} queues and a pinned image of its own`, () => {
    expect(one(objects, 'ConfigMap', 'fpms-shared').data.AMQP_QUEUE_TYPE).toBe(overlay === 'prod' ? 'quorum' : 'classic');
    const images = new Set(podsOf(objects).flatMap((pod) => pod.spec.containers.map((c: { image: string }) => c.image)));
    expect(images.size).toBe(1);
    if (overlay === 'prod') expect([...images][0]).toMatch(/^registry\.example\.com\/fpms\/fpms:\d+\.\d+\.\d+$/);
  });
});
