/**
 * The small part of kustomize that deploy/ uses, so that a test can render the manifests without a
 * cluster or a kustomize binary: resources (files and folders), namespace, images, replicas,
 * configMapGenerator/secretGenerator (files and literals) and JSON 6902 patches. Any other field is
 * refused, so a kustomization cannot quietly grow past what the test renders. Generated names get no
 * hash suffix here (kustomize adds one and rewrites the references to match).
 */
import {existsSync, readFileSync, statSync} from 'node:fs';
import path from 'node:path';
import {applyPatch, type Operation} from 'fast-json-patch';
import {parse, parseAllDocuments} from 'yaml';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>};
  [field: string]: unknown;
}

export interface Rendered {
  objects: K8sObject[];
  /** Every file the render read: kustomizations, resources, patches (absolute paths). */
  files: Set<string>;
  /** Files a generator names that do not exist (made by the admin, e.g. deploy/make-secrets.sh). */
  missingFiles: string[];
}

/** Kubernetes reads manifests as YAML 1.1 (e.g. `defaultMode: 0440` is octal), and so does this. */
export const YAML_11 = {version: '1.1'} as const;

const FIELDS = new Set([
  'apiVersion', 'kind', 'namespace', 'resources', 'images', 'replicas',
  'configMapGenerator', 'secretGenerator', 'patches',
]);
const GENERATOR_FIELDS = new Set(['name', 'namespace', 'type', 'files', 'literals', 'behavior']);
const CLUSTER_SCOPED = new Set(['Namespace', 'PersistentVolume', 'StorageClass', 'ClusterRole', 'ClusterRoleBinding']);
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

interface Generator {
  name: string;
  namespace?: string;
  type?: string;
  files?: string[];
  literals?: string[];
  behavior?: string;
}
interface Kustomization {
  namespace?: string;
  resources?: string[];
  images?: {name: string; newName?: string; newTag?: string}[];
  replicas?: {name: string; count: number}[];
  configMapGenerator?: Generator[];
  secretGenerator?: Generator[];
  patches?: {path?: string; patch?: string; target?: {kind?: string; name?: string}}[];
}

export function kustomizationFile(dir: string): string {
  for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) {
    const file = path.join(dir, name);
    if (existsSync(file)) return file;
  }
  throw new Error(`no kustomization in ${dir}`);
}

export function renderKustomization(dir: string): Rendered {
  const file = kustomizationFile(dir);
  const k = parse(readFileSync(file, 'utf8'), YAML_11) as Kustomization & Record<string, unknown>;
  for (const field of Object.keys(k)) {
    if (!FIELDS.has(field)) throw new Error(`${file}: field "${field}" is not supported by this renderer`);
  }
  const out: Rendered = {objects: [], files: new Set([file]), missingFiles: []};

  for (const entry of k.resources ?? []) {
    const target = path.resolve(dir, entry);
    if (!existsSync(target)) throw new Error(`${file}: resource ${entry} does not exist`);
    if (statSync(target).isDirectory()) {
      const sub = renderKustomization(target);
      out.objects.push(...sub.objects);
      for (const f of sub.files) out.files.add(f);
      out.missingFiles.push(...sub.missingFiles);
    } else {
      out.objects.push(...loadManifests(target));
      out.files.add(target);
    }
  }

  for (const g of k.configMapGenerator ?? []) out.objects.push(generate('ConfigMap', g, dir, file, out.missingFiles));
  for (const g of k.secretGenerator ?? []) out.objects.push(generate('Secret', g, dir, file, out.missingFiles));

  for (const p of k.patches ?? []) {
    let text = p.patch;
    if (p.path) {
      const patchFile = path.resolve(dir, p.path);
      text = readFileSync(patchFile, 'utf8');
      out.files.add(patchFile);
    }
    const ops = parse(text ?? '', YAML_11) as unknown;
    if (!Array.isArray(ops)) throw new Error(`${file}: only JSON 6902 patches (a list of operations) are supported`);
    const targets = out.objects.filter(
      (o) => (!p.target?.kind || o.kind === p.target.kind) && (!p.target?.name || o.metadata.name === p.target.name),
    );
    if (targets.length === 0) throw new Error(`${file}: patch target ${JSON.stringify(p.target)} matches nothing`);
    for (const t of targets) applyPatch(t, ops as Operation[], true, true);
  }

  if (k.namespace) {
    for (const o of out.objects) if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
  }
  for (const img of k.images ?? []) {
    for (const c of containersOf(out.objects)) {
      const {name, tag} = splitImage(c.image);
      if (name === img.name) c.image = `${img.newName ?? name}${img.newTag ? `:${img.newTag}` : tag ? `:${tag}` : ''}`;
    }
  }
  for (const r of k.replicas ?? []) {
    const hits = out.objects.filter((o) => WORKLOADS.has(o.kind) && o.metadata.name === r.name);
    if (hits.length === 0) throw new Error(`${file}: replicas for ${r.name} match nothing`);
    for (const o of hits) (o.spec as {replicas?: number}).replicas = r.count;
  }
  return out;
}

export function loadManifests(file: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'), YAML_11)) {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as K8sObject | null;
    if (value === null) continue; // an empty document (e.g. after a trailing ---)
    if (typeof value !== 'object' || !value.kind || !value.metadata?.name) {
      throw new Error(`${file}: every document must have a kind and metadata.name`);
    }
    objects.push(value);
  }
  return objects;
}

function generate(kind: 'ConfigMap' | 'Secret', g: Generator, dir: string, file: string, missing: string[]): K8sObject {
  for (const field of Object.keys(g)) {
    if (!GENERATOR_FIELDS.has(field)) throw new Error(`${file}: generator field "${field}" is not supported`);
  }
  if (g.behavior && g.behavior !== 'create') throw new Error(`${file}: generator behavior "${g.behavior}" is not supported`);
  const data: Record<string, string> = {};
  const put = (key: string, value: string) => {
    if (key in data) throw new Error(`${file}: ${kind} ${g.name} has the key ${key} twice`);
    data[key] = kind === 'Secret' ? Buffer.from(value).toString('base64') : value;
  };
  for (const entry of g.files ?? []) {
    const eq = entry.indexOf('=');
    const key = eq >= 0 ? entry.slice(0, eq) : path.basename(entry);
    const source = path.resolve(dir, eq >= 0 ? entry.slice(eq + 1) : entry);
    if (existsSync(source)) put(key, readFileSync(source, 'utf8'));
    else {
      missing.push(source);
      put(key, '');
    }
  }
  for (const entry of g.literals ?? []) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new Error(`${file}: literal "${entry}" is not key=value`);
    put(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return {
    apiVersion: 'v1',
    kind,
    metadata: {name: g.name, ...(g.namespace ? {namespace: g.namespace} : {})},
    ...(g.type ? {type: g.type} : {}),
    data,
  };
}

interface Container {
  name: string;
  image: string;
}

/** The containers (and init containers) of every workload's pod template. */
function containersOf(objects: K8sObject[]): Container[] {
  const out: Container[] = [];
  for (const o of objects) {
    if (!WORKLOADS.has(o.kind)) continue;
    const pod = (o.spec as {template?: {spec?: {containers?: Container[]; initContainers?: Container[]}}}).template?.spec;
    out.push(...(pod?.containers ?? []), ...(pod?.initContainers ?? []));
  }
  return out;
}

function splitImage(image: string): {name: string; tag?: string} {
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? {name: image.slice(0, colon), tag: image.slice(colon + 1)} : {name: image};
}
