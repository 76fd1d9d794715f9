/**
 * Cross-references between rendered Kubernetes objects, the mistakes a schema cannot see: a Service
 * whose selector finds no pod, a probe on a port the container does not have, a Secret, ConfigMap,
 * key or volume claim that nothing creates.
 */
import type {IContainer} from 'kubernetes-models/v1/Container';
import type {IPodSpec} from 'kubernetes-models/v1/PodSpec';
import type {IProbe} from 'kubernetes-models/v1/Probe';
import type {IService} from 'kubernetes-models/v1/Service';
import type {IIngress} from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type {INetworkPolicy} from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type {K8sObject} from './kustomize';

export interface Workload {
  kind: string;
  name: string;
  namespace?: string;
  selector: Record<string, string>;
  podLabels: Record<string, string>;
  pod: IPodSpec;
  replicas: number;
  /** Names of a StatefulSet's volumeClaimTemplates (each pod gets its own claim). */
  claimTemplates: string[];
}

export function workloads(objects: K8sObject[]): Workload[] {
  const out: Workload[] = [];
  for (const o of objects) {
    if (o.kind !== 'Deployment' && o.kind !== 'StatefulSet') continue;
    const spec = o.spec as {
      replicas?: number;
      selector?: {matchLabels?: Record<string, string>};
      template?: {metadata?: {labels?: Record<string, string>}; spec?: IPodSpec};
      volumeClaimTemplates?: {metadata?: {name?: string}}[];
    };
    out.push({
      kind: o.kind,
      name: o.metadata.name,
      namespace: o.metadata.namespace,
      selector: spec.selector?.matchLabels ?? {},
      podLabels: spec.template?.metadata?.labels ?? {},
      pod: spec.template?.spec ?? {containers: []},
      replicas: spec.replicas ?? 1,
      claimTemplates: (spec.volumeClaimTemplates ?? []).map((t) => t.metadata?.name ?? ''),
    });
  }
  return out;
}

/** Every key=value of `selector` is among `labels` (an empty selector matches everything). */
export function matches(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}

export function find(objects: K8sObject[], kind: string, name: string, namespace?: string): K8sObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace);
}

/** The keys of a ConfigMap's or Secret's data. */
export function dataKeys(o: K8sObject | undefined): string[] {
  if (!o) return [];
  return [...Object.keys((o.data as object) ?? {}), ...Object.keys((o.stringData as object) ?? {}), ...Object.keys((o.binaryData as object) ?? {})];
}

/** The container port a probe or Service names (by name or number), if the container has it. */
export function resolvePort(containers: IContainer[], port: number | string | undefined) {
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      if (typeof port === 'string' ? p.name === port : p.containerPort === port) return p;
    }
  }
  return undefined;
}

export function referenceErrors(objects: K8sObject[]): string[] {
  const errors: string[] = [];
  const all = workloads(objects);
  const seen = new Set<string>();
  for (const o of objects) {
    const id = `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    if (seen.has(id)) errors.push(`${id} is defined twice`);
    seen.add(id);
  }

  for (const w of all) {
    const at = `${w.kind}/${w.name}`;
    const ns = w.namespace;
    if (Object.keys(w.selector).length === 0 || !matches(w.selector, w.podLabels)) {
      errors.push(`${at}: its selector does not match its own pod labels`);
    }
    const volumes = new Set([...(w.pod.volumes ?? []).map((v) => v.name), ...w.claimTemplates]);
    for (const v of w.pod.volumes ?? []) {
      if (v.secret) {
        const s = find(objects, 'Secret', v.secret.secretName ?? '', ns);
        if (!s) errors.push(`${at}: volume ${v.name} uses the Secret ${v.secret.secretName}, which nothing creates`);
        for (const item of v.secret.items ?? []) {
          if (s && !dataKeys(s).includes(item.key)) errors.push(`${at}: volume ${v.name} wants key ${item.key} of Secret ${s.metadata.name}`);
        }
      }
      if (v.configMap) {
        const c = find(objects, 'ConfigMap', v.configMap.name ?? '', ns);
        if (!c) errors.push(`${at}: volume ${v.name} uses the ConfigMap ${v.configMap.name}, which nothing creates`);
        for (const item of v.configMap.items ?? []) {
          if (c && !dataKeys(c).includes(item.key)) errors.push(`${at}: volume ${v.name} wants key ${item.key} of ConfigMap ${c.metadata.name}`);
        }
      }
      if (v.persistentVolumeClaim && !find(objects, 'PersistentVolumeClaim', v.persistentVolumeClaim.claimName, ns)) {
        errors.push(`${at}: volume ${v.name} uses the claim ${v.persistentVolumeClaim.claimName}, which nothing creates`);
      }
    }
    const containers = [...(w.pod.initContainers ?? []), ...w.pod.containers];
    for (const c of containers) {
      const cat = `${at}/${c.name}`;
      for (const m of c.volumeMounts ?? []) {
        if (!volumes.has(m.name)) errors.push(`${cat}: mounts ${m.name}, which is no volume of the pod`);
        const vol = (w.pod.volumes ?? []).find((v) => v.name === m.name);
        if (m.subPath && vol?.configMap && !dataKeys(find(objects, 'ConfigMap', vol.configMap.name ?? '', ns)).includes(m.subPath)) {
          errors.push(`${cat}: mounts key ${m.subPath} of ConfigMap ${vol.configMap.name}, which it does not have`);
        }
      }
      for (const e of c.envFrom ?? []) {
        if (e.configMapRef && !find(objects, 'ConfigMap', e.configMapRef.name ?? '', ns)) errors.push(`${cat}: envFrom ConfigMap ${e.configMapRef.name} does not exist`);
        if (e.secretRef && !find(objects, 'Secret', e.secretRef.name ?? '', ns)) errors.push(`${cat}: envFrom Secret ${e.secretRef.name} does not exist`);
      }
      for (const e of c.env ?? []) {
        const sk = e.valueFrom?.secretKeyRef;
        if (sk && !dataKeys(find(objects, 'Secret', sk.name ?? '', ns)).includes(sk.key)) errors.push(`${cat}: env ${e.name} wants key ${sk.key} of Secret ${sk.name}, which nothing creates`);
        const ck = e.valueFrom?.configMapKeyRef;
        if (ck && !dataKeys(find(objects, 'ConfigMap', ck.name ?? '', ns)).includes(ck.key)) errors.push(`${cat}: env ${e.name} wants key ${ck.key} of ConfigMap ${ck.name}, which nothing creates`);
      }
      for (const [what, probe] of [['readinessProbe', c.readinessProbe], ['livenessProbe', c.livenessProbe], ['startupProbe', c.startupProbe]] as [string, IProbe | undefined][]) {
        const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port;
        if (probe && port === undefined && !probe.exec) errors.push(`${cat}: ${what} has no port`);
        if (port !== undefined && !resolvePort([c], port)) errors.push(`${cat}: ${what} uses port ${port}, which the container does not have`);
      }
      if (!c.resources?.limits?.memory || !c.resources?.limits?.cpu) errors.push(`${cat}: no CPU and memory limits`);
    }
  }

  for (const o of objects.filter((x) => x.kind === 'Service')) {
    const svc = o as unknown as IService;
    const at = `Service/${o.metadata.name}`;
    const selected = all.filter((w) => w.namespace === o.metadata.namespace && matches(svc.spec?.selector, w.podLabels));
    if (!svc.spec?.selector || selected.length === 0) {
      errors.push(`${at}: its selector matches no pod`);
      continue;
    }
    for (const p of svc.spec.ports ?? []) {
      const target = p.targetPort ?? p.port;
      for (const w of selected) {
        if (!resolvePort(w.pod.containers, target)) errors.push(`${at}: port ${p.name ?? p.port} targets ${target}, which ${w.kind}/${w.name} does not have`);
      }
    }
  }

  for (const w of all.filter((x) => x.kind === 'StatefulSet')) {
    const o = find(objects, 'StatefulSet', w.name, w.namespace)!;
    const serviceName = (o.spec as {serviceName?: string}).serviceName ?? '';
    const svc = find(objects, 'Service', serviceName, w.namespace) as unknown as IService | undefined;
    if (!svc) errors.push(`StatefulSet/${w.name}: its serviceName ${serviceName} is no Service`);
    else if (svc.spec?.clusterIP !== 'None' || !matches(svc.spec.selector, w.podLabels)) {
      errors.push(`StatefulSet/${w.name}: Service ${serviceName} must be headless and select its pods`);
    }
  }

  for (const o of objects.filter((x) => x.kind === 'Ingress')) {
    const ing = o as unknown as IIngress;
    const at = `Ingress/${o.metadata.name}`;
    const backends = (ing.spec?.rules ?? []).flatMap((r) => r.http?.paths ?? []).map((p) => p.backend.service);
    if (ing.spec?.defaultBackend?.service) backends.push(ing.spec.defaultBackend.service);
    for (const b of backends) {
      if (!b) continue;
      const svc = find(objects, 'Service', b.name, o.metadata.namespace) as unknown as IService | undefined;
      if (!svc) errors.push(`${at}: backend Service ${b.name} does not exist`);
      else if (!(svc.spec?.ports ?? []).some((p) => (b.port?.name ? p.name === b.port.name : p.port === b.port?.number))) {
        errors.push(`${at}: Service ${b.name} has no port ${b.port?.name ?? b.port?.number}`);
      }
    }
    for (const t of ing.spec?.tls ?? []) {
      if (!find(objects, 'Secret', t.secretName ?? '', o.metadata.namespace)) errors.push(`${at}: TLS Secret ${t.secretName} does not exist`);
    }
  }

  for (const o of objects.filter((x) => x.kind === 'NetworkPolicy')) {
    const np = o as unknown as INetworkPolicy;
    const at = `NetworkPolicy/${o.metadata.name}`;
    const ns = o.metadata.namespace;
    const selector = np.spec?.podSelector.matchLabels ?? {};
    const targets = all.filter((w) => w.namespace === ns && matches(selector, w.podLabels));
    if (targets.length === 0) errors.push(`${at}: selects no pod`);
    const peerPods = (peer: {podSelector?: {matchLabels?: Record<string, string>}; namespaceSelector?: unknown}) =>
      peer.podSelector && !peer.namespaceSelector ? all.filter((w) => w.namespace === ns && matches(peer.podSelector!.matchLabels, w.podLabels)) : undefined;
    for (const rule of np.spec?.ingress ?? []) {
      for (const peer of rule.from ?? []) if (peerPods(peer)?.length === 0) errors.push(`${at}: an ingress peer selects no pod`);
      for (const p of rule.ports ?? []) {
        if (typeof p.port === 'string' && !targets.some((w) => resolvePort(w.pod.containers, p.port))) errors.push(`${at}: ingress port ${p.port} is no port of its pods`);
      }
    }
    for (const rule of np.spec?.egress ?? []) {
      for (const peer of rule.to ?? []) {
        const pods = peerPods(peer);
        if (pods?.length === 0) errors.push(`${at}: an egress peer selects no pod`);
        for (const p of rule.ports ?? []) {
          if (pods && typeof p.port === 'string' && !pods.some((w) => resolvePort(w.pod.containers, p.port))) errors.push(`${at}: egress port ${p.port} is no port of the peer's pods`);
        }
      }
    }
  }
  return errors;
}
