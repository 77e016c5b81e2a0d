import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const K8S_DIR = join(__dirname, '..', '..', 'k8s');
export const OVERLAYS = ['dev', 'prod'] as const;
export type Overlay = (typeof OVERLAYS)[number];

/** A rendered Kubernetes object, loosely typed: the tests read what they check. */
export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [key: string]: any;
};

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('; '));
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

/** `kubectl kustomize` of an overlay: exactly what `kubectl apply -k` would send. */
export function renderOverlay(overlay: Overlay): K8sObject[] {
  const text = execFileSync('kubectl', ['kustomize', join(K8S_DIR, 'overlays', overlay)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return parseManifests(text);
}

/** The Secret templates operators fill (k8s/secrets/*.template.yaml). */
export function secretTemplates(): K8sObject[] {
  const dir = join(K8S_DIR, 'secrets');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.template.yaml'))
    .flatMap((f) => parseManifests(readFileSync(join(dir, f), 'utf8')));
}

/** The kubernetes-models class for an object's apiVersion and kind, to validate it with. */
export function modelFor(object: K8sObject): { validate(): void } {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : [undefined, object.apiVersion];
  const path = group ? `kubernetes-models/${group}/${version}/${object.kind}` : `kubernetes-models/${version}/${object.kind}`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require(path) as Record<string, new (data: unknown) => { validate(): void }>;
  const Model = module[object.kind];
  if (!Model) throw new Error(`kubernetes-models has no ${object.apiVersion} ${object.kind}`);
  return new Model(object);
}

/** Does a label selector (matchLabels / matchExpressions with In) pick pods with these labels? */
export function selects(
  selector: { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> },
  labels: Record<string, string>,
): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    if (e.operator === 'In' && !(e.values ?? []).includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !(e.key in labels)) return false;
    if (!['In', 'Exists'].includes(e.operator)) throw new Error(`selector operator ${e.operator} not handled by the test`);
  }
  return true;
}
