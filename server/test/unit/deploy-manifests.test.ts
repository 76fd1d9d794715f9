/**
 * The Kubernetes manifests in deploy/ (issue 17): rendered with the subset of kustomize they use,
 * every object validated against the Kubernetes schemas (kubernetes-models), the references between
 * objects resolved, and the lab's own promises checked: probes on /companion/status, the token auth
 * names, who may reach the engines. No cluster runs here; this is what can be known without one.
 */
import {spawnSync} from 'node:child_process';
import {X509Certificate, createPrivateKey, createPublicKey} from 'node:crypto';
import {existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {checkServerIdentity as tlsCheckServerIdentity} from 'node:tls';
import {describe, expect, it} from 'vitest';
import {parse} from 'yaml';
import {STATUS_PATH, WS_PATH} from '../../../src/protocol';
import {isLoopback, loadConfig} from '../../src/config';
import {tlsCertDir} from '../../src/engine/connection';
import {engineEnv, parseEngineList} from '../../src/engine/pool-config';
import {schemaErrors} from '../deploy/k8s-schema';
import {renderKustomization, YAML_11, type K8sObject, type Rendered} from '../deploy/kustomize';
import {allows, type Endpoint} from '../deploy/network';
import {dataKeys, find, referenceErrors, resolvePort, workloads, type Workload} from '../deploy/references';
import {settingsReadBy} from '../deploy/server-settings';

const ROOT = path.resolve(__dirname, '../../..');
const DEPLOY = path.join(ROOT, 'deploy');
const OVERLAY_NAMES = readdirSync(path.join(DEPLOY, 'overlays')).filter((d) =>
  statSync(path.join(DEPLOY, 'overlays', d)).isDirectory(),
);
const base = renderKustomization(path.join(DEPLOY, 'base'));
const overlays: Record<string, Rendered> = Object.fromEntries(
  OVERLAY_NAMES.map((name) => [name, renderKustomization(path.join(DEPLOY, 'overlays', name))]),
);
const example = overlays.example!;
/** The environment variables the companion server's source reads. */
const SERVER_SETTINGS = settingsReadBy(path.join(ROOT, 'server/src'));

function walk(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

function workload(objects: K8sObject[], kind: string, name: string): Workload {
  const w = workloads(objects).find((x) => x.kind === kind && x.name === name);
  if (!w) throw new Error(`${kind}/${name} is missing`);
  return w;
}

function configMapData(objects: K8sObject[], name: string): Record<string, string> {
  const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
  if (!cm) throw new Error(`ConfigMap ${name} is missing`);
  return cm.data as Record<string, string>;
}

function service(objects: K8sObject[], name: string) {
  const s = objects.find((o) => o.kind === 'Service' && o.metadata.name === name);
  if (!s) throw new Error(`Service ${name} is missing`);
  return s.spec as {clusterIP?: string; ports: {name?: string; port: number; targetPort?: number | string}[]};
}

interface RegistryConfig {
  auth: {token: {realm: string; service: string; issuer: string; rootcertbundle: string}};
  storage: {filesystem: {rootdirectory: string}};
  http: {addr: string};
}

function registryConfig(objects: K8sObject[]): RegistryConfig {
  return parse(configMapData(objects, 'lab-registry-config')['config.yml']!, YAML_11) as RegistryConfig;
}

/**
 * Where the registry's realm leads: its host must be a Service, its port a port of that Service, and
 * that port's target a port of the pods it selects. The container port, or why not.
 */
function realmTarget(objects: K8sObject[]): {containerPort?: number; error?: string} {
  const realm = new URL(registryConfig(objects).auth.token.realm);
  const svc = objects.find((o) => o.kind === 'Service' && o.metadata.name === realm.hostname);
  if (!svc) return {error: `${realm.hostname} is no Service`};
  const spec = svc.spec as {selector: Record<string, string>; ports: {port: number; targetPort?: number | string}[]};
  const port = spec.ports.find((p) => p.port === Number(realm.port || 80));
  if (!port) return {error: `the Service ${realm.hostname} has no port ${realm.port || 80}`};
  const pods = workloads(objects).filter((w) => Object.entries(spec.selector).every(([k, v]) => w.podLabels[k] === v));
  const target = pods.map((w) => resolvePort(w.pod.containers, port.targetPort ?? port.port)).find(Boolean);
  return target ? {containerPort: target.containerPort} : {error: `port ${port.port} of ${realm.hostname} leads to no container port`};
}

function podOf(w: Workload): Endpoint {
  return {pod: {namespace: w.namespace ?? '', labels: w.podLabels, ports: w.pod.containers.flatMap((c) => c.ports ?? [])}};
}

/**
 * The server's engines as its own parser reads the ConfigMap's LAB_ENGINES, and the engine pods there
 * are: the StatefulSet lab-engine's `replicas` pods through its headless Service, as `tcp://host:port`.
 */
function engineWiring(objects: K8sObject[]) {
  const env = configMapData(objects, 'lab-companion-env');
  const sts = find(objects, 'StatefulSet', 'lab-engine', 'docker-lab')!;
  const serviceName = (sts.spec as {serviceName: string}).serviceName;
  const port = service(objects, serviceName).ports.find((p) => p.name === 'engine-api')!.port;
  const pods = Array.from({length: workload(objects, 'StatefulSet', 'lab-engine').replicas}, (_, i) => ({
    name: `lab-engine-${i}`,
    address: `tcp://lab-engine-${i}.${serviceName}:${port}`,
  }));
  const engines = parseEngineList(env.LAB_ENGINES, env.DOCKER_HOST).map((spec) => ({
    ...spec,
    // How the server speaks to it (the server's own rule: its ?certs= folder, else DOCKER_TLS_VERIFY +
    // DOCKER_CERT_PATH); undefined: plain HTTP.
    tlsDir: tlsCertDir(spec.address, engineEnv(spec, env)) ?? undefined,
  }));
  return {
    env,
    engines,
    pods,
    /** Engine addresses LAB_ENGINES lists, and the pods' addresses: they must be the same set. */
    listed: engines.map((e) => e.address).sort(),
    podAddresses: pods.map((p) => p.address).sort(),
    /** Engines the server would speak to without TLS. */
    plain: engines.filter((e) => !e.tlsDir).map((e) => e.name),
    /** Engines not named as their pod (the admin API drains by this name: drain lab-engine-1). */
    misnamed: engines.filter((e) => pods.some((p) => p.address === e.address && p.name !== e.name)).map((e) => e.name),
  };
}

/** The folder a container mounts `file` from, with the volume behind it. */
function mountOf(w: Workload, container: string, file: string) {
  const c = w.pod.containers.find((x) => x.name === container)!;
  const m = (c.volumeMounts ?? []).find((x) => path.dirname(file) === x.mountPath || file === x.mountPath);
  const volume = (w.pod.volumes ?? []).find((v) => v.name === m?.name);
  return {mount: m, volume};
}

describe('deploy/: the kustomization', () => {
  it('renders every manifest file in deploy/ (none lies there unlisted)', () => {
    const rendered = new Set([...base.files, ...Object.values(overlays).flatMap((r) => [...r.files])]);
    const manifests = walk(DEPLOY).filter((f) => /\.ya?ml$/.test(f) && !f.includes(`${path.sep}secrets${path.sep}`));
    expect(manifests.length).toBeGreaterThan(10);
    expect(manifests.filter((f) => !rendered.has(f)).map((f) => path.relative(ROOT, f))).toEqual([]);
  });

  it('has the parts the lab needs, in its namespace', () => {
    const names = example.objects.map((o) => `${o.kind}/${o.metadata.name}`);
    for (const part of [
      'Deployment/lab-companion', 'Service/lab-companion', 'ConfigMap/lab-companion-env', 'Ingress/lab-companion',
      'StatefulSet/lab-engine', 'Service/lab-engine',
      'Deployment/lab-registry', 'Service/lab-registry', 'PersistentVolumeClaim/lab-registry-data', 'ConfigMap/lab-registry-config',
      'Secret/lab-token-signing', 'Secret/lab-registry-token-cert', 'Secret/lab-access-token', 'Secret/lab-admin-token',
      'PersistentVolumeClaim/lab-companion-state',
    ]) expect(names).toContain(part);
    for (const o of example.objects) if (o.kind !== 'Namespace') expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe('docker-lab');
  });

  it('every object of the base and of every overlay is valid against the Kubernetes schemas', () => {
    for (const r of [base, ...Object.values(overlays)]) expect(r.objects.flatMap(schemaErrors)).toEqual([]);
  });

  it('the same validation rejects broken objects', () => {
    const deployment = structuredClone(find(example.objects, 'Deployment', 'lab-companion', 'docker-lab')!);
    delete (deployment.spec as {template: {spec: {containers?: unknown}}}).template.spec.containers;
    expect(schemaErrors(deployment).join('\n')).toMatch(/must have required property .?containers/);

    const statefulSet = structuredClone(find(example.objects, 'StatefulSet', 'lab-engine', 'docker-lab')!);
    (statefulSet.spec as {replicas: unknown}).replicas = 'three';
    expect(schemaErrors(statefulSet).join('\n')).toMatch(/replicas must be integer/);

    const limits = structuredClone(find(example.objects, 'StatefulSet', 'lab-engine', 'docker-lab')!);
    (limits.spec as {template: {spec: {containers: {resources: {limits: unknown}}[]}}}).template.spec.containers[0]!.resources.limits = {memory: 'plenty'};
    expect(schemaErrors(limits).join('\n')).toMatch(/quantity/);

    expect(schemaErrors({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'x'}})).toEqual([expect.stringMatching(/no schema/)]);
  });

  it('every reference resolves in every overlay: selectors, ports, probes, Secrets, ConfigMaps, claims', () => {
    for (const [name, r] of Object.entries(overlays)) expect(referenceErrors(r.objects), name).toEqual([]);
  });

  it('the reference check fails on a Service that selects no pod, a probe on a missing port, a Secret nothing makes', () => {
    // The base alone makes no Secrets: the overlay does.
    expect(referenceErrors(base.objects).join('\n')).toMatch(/Secret lab-token-signing, which nothing creates/);

    const objects = structuredClone(example.objects);
    const svc = find(objects, 'Service', 'lab-registry', 'docker-lab')!;
    (svc.spec as {selector: Record<string, string>}).selector['app.kubernetes.io/component'] = 'registy';
    const companion = workload(objects, 'Deployment', 'lab-companion');
    companion.pod.containers[0]!.readinessProbe!.httpGet!.port = 'htp';
    companion.pod.containers[0]!.resources = {};
    const errors = referenceErrors(objects).join('\n');
    expect(errors).toMatch(/Service\/lab-registry: its selector matches no pod/);
    expect(errors).toMatch(/readinessProbe uses port htp/);
    expect(errors).toMatch(/lab-companion\/companion: no CPU and memory limits/);
  });

  it("the only files an overlay lacks are its secrets, and make-secrets.sh makes exactly those", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lab-secrets-'));
    try {
      const run = spawnSync('bash', [path.join(DEPLOY, 'make-secrets.sh'), dir, 'lab.example.org'], {encoding: 'utf8'});
      expect(run.status, run.stderr).toBe(0);
      const made = new Set(readdirSync(dir));
      for (const [name, r] of Object.entries(overlays)) {
        for (const f of r.missingFiles) {
          expect(path.relative(path.join(DEPLOY, 'overlays', name, 'secrets'), f)).not.toMatch(/^\.\./);
          expect(made).toContain(path.basename(f));
        }
      }
      const pem = (f: string) => readFileSync(path.join(dir, f), 'utf8');

      // The engines' certificate (one, in every engine pod): signed by the engine CA, valid for every
      // engine the server dials (LAB_ENGINES) and for every pod of the StatefulSet, in the short and
      // the namespaced forms of its name.
      const ca = new X509Certificate(pem('engine-ca.pem'));
      const engine = new X509Certificate(pem('engine-cert.pem'));
      expect(engine.verify(ca.publicKey)).toBe(true);
      const identity = (host: string) => tlsCheckServerIdentity(host, {subjectaltname: engine.subjectAltName ?? ''} as never);
      for (const r of Object.values(overlays)) {
        const {engines, pods} = engineWiring(r.objects);
        const dialled = engines.map((e) => new URL(e.address.replace(/^tcp:/, 'https:')).hostname);
        const podNames = pods.flatMap((p) => {
          const host = new URL(p.address.replace(/^tcp:/, 'https:')).hostname;
          return [host, `${host}.docker-lab.svc`, `${host}.docker-lab.svc.cluster.local`];
        });
        expect(dialled.length).toBeGreaterThan(1);
        for (const host of [...dialled, ...podNames]) expect(identity(host), host).toBeUndefined();
      }
      // It names pods by number, 32 by default (make-secrets.sh's fourth argument for more): the 33rd
      // pod, or an engine under another name, is refused.
      expect(identity('lab-engine-31.lab-engine')).toBeUndefined();
      expect(identity('lab-engine-32.lab-engine')).toBeInstanceOf(Error);
      expect(identity('lab-registry.lab-engine')).toBeInstanceOf(Error);
      expect(identity('lab-engine-0.other-service')).toBeInstanceOf(Error);
      // The companion's client certificate, from the same CA; each key matches its certificate.
      const client = new X509Certificate(pem('client-cert.pem'));
      expect(client.verify(ca.publicKey)).toBe(true);
      expect(client.keyUsage).toContain('1.3.6.1.5.5.7.3.2'); // clientAuth
      const samePair = (cert: string, key: string) =>
        new X509Certificate(pem(cert)).publicKey.export({type: 'spki', format: 'der'}).equals(
          createPublicKey(createPrivateKey(pem(key))).export({type: 'spki', format: 'der'}),
        );
      expect(samePair('engine-cert.pem', 'engine-key.pem')).toBe(true);
      expect(samePair('client-cert.pem', 'client-key.pem')).toBe(true);
      // The token signer: an ES256 (P-256) key in PKCS#8, as the token service and the registry need.
      expect(pem('token-key.pem')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
      expect(createPrivateKey(pem('token-key.pem')).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
      expect(samePair('token-cert.pem', 'token-key.pem')).toBe(true);
      expect(pem('access-token').length).toBeGreaterThanOrEqual(16);
      expect(loadConfig({LAB_ADMIN_TOKEN: pem('admin-token')}, '/app').readers.adminToken).toBeDefined();
      // A second run keeps what exists.
      const before = pem('token-key.pem');
      expect(spawnSync('bash', [path.join(DEPLOY, 'make-secrets.sh'), dir, 'lab.example.org']).status).toBe(0);
      expect(pem('token-key.pem')).toBe(before);
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  });
});

describe('deploy/: the companion server', () => {
  for (const [name, r] of Object.entries(overlays)) {
    it(`${name}: readiness and liveness probes GET ${STATUS_PATH} on the port the server listens on`, () => {
      const env = configMapData(r.objects, 'lab-companion-env');
      const w = workload(r.objects, 'Deployment', 'lab-companion');
      const c = w.pod.containers.find((x) => x.name === 'companion')!;
      for (const probe of [c.readinessProbe, c.livenessProbe]) {
        expect(probe?.httpGet?.path).toBe(STATUS_PATH);
        expect(resolvePort([c], probe?.httpGet?.port)?.containerPort).toBe(Number(env.LAB_PORT));
      }
      const http = service(r.objects, 'lab-companion').ports[0]!;
      expect(resolvePort([c], http.targetPort)?.containerPort).toBe(Number(env.LAB_PORT));
      expect(w.replicas).toBe(1); // sessions live in one process's memory
    });

    it(`${name}: its settings load with the server's own loader, bound beyond loopback with an access token from a Secret`, () => {
      const env = configMapData(r.objects, 'lab-companion-env');
      const c = workload(r.objects, 'Deployment', 'lab-companion').pod.containers[0]!;
      expect(c.envFrom?.map((e) => e.configMapRef?.name)).toContain('lab-companion-env');
      const token = c.env?.find((e) => e.name === 'LAB_ACCESS_TOKEN');
      expect(token?.valueFrom?.secretKeyRef?.name).toBe('lab-access-token');
      const config = loadConfig({...env, LAB_ACCESS_TOKEN: 'x'.repeat(32)}, '/app');
      expect(isLoopback(config.host)).toBe(false);
      expect(config.port).toBe(Number(env.LAB_PORT));
      // Without the Secret the server refuses to start: the token cannot be forgotten.
      expect(() => loadConfig(env, '/app')).toThrow(/access token/);
    });

    it(`${name}: every LAB_* setting in its ConfigMap and environment is one the server reads`, () => {
      const env = configMapData(r.objects, 'lab-companion-env');
      const c = workload(r.objects, 'Deployment', 'lab-companion').pod.containers[0]!;
      const names = [...Object.keys(env), ...(c.env ?? []).map((e) => e.name)];
      const unknown = names.filter((n) => (n.startsWith('LAB_') || n === 'DOCKER_HOST') && !SERVER_SETTINGS.has(n));
      expect(unknown, 'settings the server does not read (it would silently use its defaults)').toEqual([]);
    });

    it(`${name}: the reader store and cookie key (LAB_STATE_DIR) live on a persistent volume of the one replica`, () => {
      const env = configMapData(r.objects, 'lab-companion-env');
      const w = workload(r.objects, 'Deployment', 'lab-companion');
      const stateDir = loadConfig({...env, LAB_ACCESS_TOKEN: 'x'.repeat(32)}, '/app').readers.stateDir;
      const c = w.pod.containers.find((x) => x.name === 'companion')!;
      const mount = (c.volumeMounts ?? []).find((m) => m.mountPath === stateDir);
      expect(mount, `a volume mounted at ${stateDir}`).toBeDefined();
      expect(mount!.readOnly ?? false).toBe(false);
      const volume = (w.pod.volumes ?? []).find((v) => v.name === mount!.name);
      const claim = find(r.objects, 'PersistentVolumeClaim', volume?.persistentVolumeClaim?.claimName ?? '', 'docker-lab');
      expect(claim, 'a PersistentVolumeClaim, not an emptyDir').toBeDefined();
      expect((claim!.spec as {accessModes: string[]}).accessModes).toEqual(['ReadWriteOnce']);
      // One writer of the store: one replica, and the old pod gone before the new one starts.
      expect(w.replicas).toBe(1);
      expect((find(r.objects, 'Deployment', 'lab-companion', 'docker-lab')!.spec as {strategy: {type: string}}).strategy.type).toBe('Recreate');
    });

    it(`${name}: the admin API's token comes from a Secret`, () => {
      const c = workload(r.objects, 'Deployment', 'lab-companion').pod.containers[0]!;
      const admin = c.env?.find((e) => e.name === 'LAB_ADMIN_TOKEN');
      expect(admin?.valueFrom?.secretKeyRef).toEqual({name: 'lab-admin-token', key: 'token'});
      expect(dataKeys(find(r.objects, 'Secret', 'lab-admin-token', 'docker-lab'))).toEqual(['token']);
      expect(configMapData(r.objects, 'lab-companion-env').LAB_ADMIN_TOKEN).toBeUndefined();
    });

    it(`${name}: the token signing key is a Secret, mounted read-only, readable by the server's group only`, () => {
      const env = configMapData(r.objects, 'lab-companion-env');
      const w = workload(r.objects, 'Deployment', 'lab-companion');
      const token = loadConfig({...env, LAB_ACCESS_TOKEN: 'x'.repeat(32)}, '/app').readers.token;
      expect(token, 'the token service is on (LAB_TOKEN_KEY and LAB_TOKEN_CERT)').toBeDefined();
      for (const file of [token!.keyFile, token!.certFile]) {
        const {mount, volume} = mountOf(w, 'companion', file);
        expect(mount?.readOnly, file).toBe(true);
        expect(volume?.secret?.secretName).toBe('lab-token-signing');
        expect(volume?.secret?.defaultMode).toBe(0o440);
        expect(dataKeys(find(r.objects, 'Secret', 'lab-token-signing', 'docker-lab'))).toContain(path.basename(file));
      }
      expect(w.pod.securityContext?.runAsNonRoot).toBe(true);
      expect(w.pod.securityContext?.fsGroup).toBeDefined();
      // The engines' client certificate likewise.
      const {volume} = mountOf(w, 'companion', path.join(env.DOCKER_CERT_PATH!, 'key.pem'));
      expect(volume?.secret?.secretName).toBe('lab-engine-client-tls');
      expect(env.DOCKER_TLS_VERIFY).toBe('1');
    });
  }
});

describe('deploy/: the engines', () => {
  const dockerfile = readFileSync(path.join(DEPLOY, 'images/engine/Dockerfile'), 'utf8');

  it('the engine image is built from debian:trixie-slim with Debian 13 packages of Docker 26, containerd and buildx', () => {
    expect(dockerfile).toMatch(/^FROM debian:trixie-slim$/m);
    const install = dockerfile.match(/apt-get install[^&]*/)?.[0] ?? '';
    for (const pkg of ['docker.io', 'containerd', 'docker-buildx', 'docker-cli']) expect(install.split(/\s+/)).toContain(pkg);
    expect(existsSync(path.join(DEPLOY, 'images/engine/engine-entrypoint.sh'))).toBe(true);
    expect(workload(base.objects, 'StatefulSet', 'lab-engine').pod.containers[0]!.image).toMatch(/^docker-lab\/engine:/);
  });

  for (const [name, r] of Object.entries(overlays)) {
    it(`${name}: a StatefulSet whose pods each get their own volume for /var/lib/docker, with resource limits, privileged`, () => {
      const w = workload(r.objects, 'StatefulSet', 'lab-engine');
      expect(w.claimTemplates).toEqual(['data']);
      const c = w.pod.containers[0]!;
      expect(c.volumeMounts?.find((m) => m.name === 'data')?.mountPath).toBe('/var/lib/docker');
      expect(c.resources?.limits?.cpu).toBeDefined();
      expect(c.resources?.limits?.memory).toBeDefined();
      // Stated plainly, here and in the manifest's own comment and on the operators' page.
      expect(c.securityContext?.privileged).toBe(true);
      expect(w.pod.automountServiceAccountToken).toBe(false);
    });

    it(`${name}: LAB_ENGINES lists exactly the StatefulSet's pods through the headless Service, each over TLS, and the engines serve TLS only`, () => {
      const w = workload(r.objects, 'StatefulSet', 'lab-engine');
      const svc = service(r.objects, 'lab-engine');
      expect(svc.clusterIP).toBe('None');
      const port = svc.ports[0]!.port;
      const wiring = engineWiring(r.objects);
      // A pool by default: more than one engine, and no pod without readers nor an engine without a pod.
      expect(w.replicas).toBeGreaterThan(1);
      expect(wiring.listed, 'LAB_ENGINES (the server\'s engines) against the StatefulSet\'s pods').toEqual(wiring.podAddresses);
      expect(wiring.misnamed, 'each engine named as its pod').toEqual([]);
      // With LAB_ENGINES set the server does not use DOCKER_HOST: one there would only mislead.
      expect(wiring.env.DOCKER_HOST).toBeUndefined();
      // Every engine over verified TLS, with the client certificate from its Secret.
      expect(wiring.plain, 'engines spoken to without TLS').toEqual([]);
      const companion = workload(r.objects, 'Deployment', 'lab-companion');
      for (const e of wiring.engines) {
        for (const file of ['ca.pem', 'cert.pem', 'key.pem']) {
          const {mount, volume} = mountOf(companion, 'companion', path.join(e.tlsDir!, file));
          expect(mount?.readOnly, `${e.name}: ${file}`).toBe(true);
          expect(volume?.secret?.secretName, `${e.name}: ${file}`).toBe('lab-engine-client-tls');
          expect(dataKeys(find(r.objects, 'Secret', 'lab-engine-client-tls', 'docker-lab'))).toContain(file);
        }
      }
      const args = w.pod.containers[0]!.args ?? [];
      expect(args).toContain('--tlsverify');
      expect(args).toContain(`--host=tcp://0.0.0.0:${port}`);
      // Over the network only TLS; the unix socket is inside the pod, for kubectl exec.
      const hosts = args.filter((a) => a.startsWith('--host=')).map((a) => a.slice('--host='.length));
      expect(hosts.filter((h) => !h.startsWith('unix:///'))).toEqual([`tcp://0.0.0.0:${port}`]);
    });

    it(`${name}: the engines trust the registry under the very name the server shows (the registry's Service)`, () => {
      const env = configMapData(r.objects, 'lab-companion-env');
      const [host, port] = env.LAB_REGISTRY!.split(':');
      expect(service(r.objects, host!).ports.map((p) => p.port)).toContain(Number(port));
      expect(workload(r.objects, 'StatefulSet', 'lab-engine').pod.containers[0]!.args).toContain(`--insecure-registry=${env.LAB_REGISTRY}`);
    });
  }
});

describe('deploy/: the registry', () => {
  for (const [name, r] of Object.entries(overlays)) {
    it(`${name}: token auth with realm = the companion's token port /token, the server's issuer and service, the certificate from a Secret`, () => {
      const config = registryConfig(r.objects);
      const token = config.auth.token;
      expect(Object.keys(config.auth)).toEqual(['token']);
      expect(token.service).toBe('lab-registry');
      expect(token.issuer).toBe('docker-lab');
      // The token service as the server runs it from the companion's own settings.
      const env = configMapData(r.objects, 'lab-companion-env');
      const served = loadConfig({...env, LAB_ACCESS_TOKEN: 'x'.repeat(32)}, '/app').readers.token!;
      expect(served, 'the companion runs a token service').toBeDefined();
      expect(served.service).toBe(token.service);
      expect(served.issuer).toBe(token.issuer);
      expect(isLoopback(served.host), 'the token service binds beyond loopback: the engines call it').toBe(false);
      // realm host:port = a port of the companion Service that maps to the container's LAB_TOKEN_PORT.
      const realm = new URL(token.realm);
      expect(realm.protocol).toBe('http:');
      expect(realm.pathname).toBe('/token');
      expect(realm.hostname).toBe('lab-companion');
      expect(realmTarget(r.objects)).toEqual({containerPort: served.port});
      expect(served.port).not.toBe(Number(env.LAB_PORT));

      const w = workload(r.objects, 'Deployment', 'lab-registry');
      const cert = mountOf(w, 'registry', token.rootcertbundle);
      expect(cert.volume?.secret?.secretName).toBe('lab-registry-token-cert');
      const secret = find(r.objects, 'Secret', 'lab-registry-token-cert', 'docker-lab');
      expect(dataKeys(secret)).toEqual([path.basename(token.rootcertbundle)]); // the certificate, never the key

      const data = mountOf(w, 'registry', path.join(config.storage.filesystem.rootdirectory, 'x'));
      expect(data.volume?.persistentVolumeClaim?.claimName).toBe('lab-registry-data');
      expect(resolvePort(w.pod.containers, Number(config.http.addr.split(':').pop()))).toBeDefined();
    });
  }
});

describe('deploy/: the checks themselves can fail', () => {
  it('the realm check: the old guess (the companion\'s site port, /companion/token) leads to the site, not the token service', () => {
    const objects = structuredClone(example.objects);
    const cm = find(objects, 'ConfigMap', 'lab-registry-config', 'docker-lab')!;
    const data = cm.data as Record<string, string>;
    data['config.yml'] = data['config.yml']!.replace(/realm: .*/, 'realm: http://lab-companion/companion/token');
    expect(realmTarget(objects)).toEqual({containerPort: 3000});
    data['config.yml'] = data['config.yml']!.replace(/realm: .*/, 'realm: http://lab-companion:5002/token');
    expect(realmTarget(objects).error).toMatch(/has no port 5002/);
    data['config.yml'] = data['config.yml']!.replace(/realm: .*/, 'realm: http://companion:5001/token');
    expect(realmTarget(objects).error).toMatch(/is no Service/);
  });

  it('the settings check: it finds what the server reads, and not what it does not', () => {
    for (const known of ['LAB_PORT', 'LAB_STATE_DIR', 'LAB_ADMIN_TOKEN', 'LAB_TOKEN_PORT', 'LAB_TOKEN_KEY', 'LAB_LOG_LEVEL', 'LAB_ENGINES', 'DOCKER_HOST']) {
      expect(SERVER_SETTINGS, known).toContain(known);
    }
    for (const guessed of ['LAB_TOKEN_KEY_FILE', 'LAB_TOKEN_CERT_FILE']) expect(SERVER_SETTINGS, guessed).not.toContain(guessed);
  });

  const statefulSet = (objects: K8sObject[]) => find(objects, 'StatefulSet', 'lab-engine', 'docker-lab')!.spec as {replicas: number};
  const env = (objects: K8sObject[]) => configMapData(objects, 'lab-companion-env');

  it('the engine check: a pod added without listing it in LAB_ENGINES, or an engine listed that is no pod, breaks the match', () => {
    const grown = structuredClone(example.objects);
    statefulSet(grown).replicas += 1;
    const g = engineWiring(grown);
    expect(g.podAddresses.filter((a) => !g.listed.includes(a))).toEqual([`tcp://lab-engine-${statefulSet(grown).replicas - 1}.lab-engine:2376`]);
    expect(g.listed).not.toEqual(g.podAddresses);

    const shrunk = structuredClone(example.objects);
    statefulSet(shrunk).replicas -= 1;
    const s = engineWiring(shrunk);
    expect(s.listed.filter((a) => !s.podAddresses.includes(a))).toEqual([`tcp://lab-engine-${statefulSet(shrunk).replicas}.lab-engine:2376`]);
    expect(s.listed).not.toEqual(s.podAddresses);

    // A pod named without the headless Service (or through another Service) is not the pod's address.
    const short = structuredClone(example.objects);
    env(short).LAB_ENGINES = env(short).LAB_ENGINES!.replace('lab-engine-1.lab-engine:', 'lab-engine-1:');
    expect(engineWiring(short).listed).not.toEqual(engineWiring(short).podAddresses);
  });

  it('the engine check: an engine without TLS, or named otherwise than its pod, is found; DOCKER_HOST does not count beside LAB_ENGINES', () => {
    const plain = structuredClone(example.objects);
    delete env(plain).DOCKER_TLS_VERIFY;
    expect(engineWiring(plain).plain).toEqual(engineWiring(example.objects).engines.map((e) => e.name));
    // An engine's own ?certs= folder is TLS too.
    env(plain).LAB_ENGINES = env(plain).LAB_ENGINES!.replace(/(lab-engine-0\.lab-engine:2376)/, '$1?certs=/etc/lab/engine-tls');
    expect(engineWiring(plain).plain).not.toContain('lab-engine-0');
    expect(engineWiring(plain).plain).toContain('lab-engine-1');

    const renamed = structuredClone(example.objects);
    env(renamed).LAB_ENGINES = env(renamed).LAB_ENGINES!.replace('lab-engine-1=', 'engine-1=');
    expect(engineWiring(renamed).misnamed).toEqual(['engine-1']);

    // The server's own loader: with LAB_ENGINES set, DOCKER_HOST names no engine.
    const withHost = {...env(example.objects), DOCKER_HOST: 'tcp://elsewhere:2376', LAB_ACCESS_TOKEN: 'x'.repeat(32)};
    expect(loadConfig(withHost, '/app').engines.map((e) => e.address)).toEqual(engineWiring(example.objects).listed);
    // And without LAB_ENGINES the server would drive DOCKER_HOST (or the default socket) alone.
    const without = structuredClone(example.objects);
    delete env(without).LAB_ENGINES;
    expect(engineWiring(without).listed).toEqual(['unix:///var/run/docker.sock']);
  });
});

describe('deploy/: the Ingress', () => {
  for (const [name, r] of Object.entries(overlays)) {
    it(`${name}: routes the site and ${WS_PATH} to the companion Service, with timeouts longer than an idle terminal lives`, () => {
      const ing = r.objects.find((o) => o.kind === 'Ingress')!;
      const spec = ing.spec as {ingressClassName: string; rules: {http: {paths: {path: string; pathType: string; backend: {service: {name: string}}}[]}}[]};
      expect(spec.ingressClassName).toBe('nginx');
      const paths = spec.rules.flatMap((x) => x.http.paths);
      expect(paths.some((p) => p.pathType === 'Prefix' && WS_PATH.startsWith(p.path) && p.backend.service.name === 'lab-companion')).toBe(true);
      const idleSeconds = loadConfig({}, '/app').limits.idleSessionMs / 1000;
      for (const a of ['proxy-read-timeout', 'proxy-send-timeout']) {
        expect(Number(ing.metadata.annotations?.[`nginx.ingress.kubernetes.io/${a}`])).toBeGreaterThan(idleSeconds);
      }
    });
  }
});

describe('deploy/: NetworkPolicies', () => {
  const mirrorCidr = (r: Rendered) =>
    ((find(r.objects, 'NetworkPolicy', 'lab-engine-debian-mirror', 'docker-lab')!.spec as {egress: {to: {ipBlock: {cidr: string}}[]}[]}).egress[0]!.to[0]!.ipBlock.cidr);
  const ingressController: Endpoint = {pod: {namespace: 'ingress-nginx', labels: {'app.kubernetes.io/name': 'ingress-nginx'}}};
  const dns: Endpoint = {pod: {namespace: 'kube-system', labels: {'k8s-app': 'kube-dns'}, ports: [{containerPort: 53, protocol: 'UDP'}]}};
  const otherPod: Endpoint = {pod: {namespace: 'default', labels: {app: 'something-else'}, ports: [{name: 'http', containerPort: 8080}]}};
  const apiServer: Endpoint = {ip: '10.96.0.1'};
  const internet: Endpoint = {ip: '203.0.113.7'};

  for (const [name, r] of Object.entries(overlays)) {
    const o = r.objects;
    const companion = podOf(workload(o, 'Deployment', 'lab-companion'));
    const engine = podOf(workload(o, 'StatefulSet', 'lab-engine'));
    const registry = podOf(workload(o, 'Deployment', 'lab-registry'));
    const mirror: Endpoint = {ip: mirrorCidr(r).split('/')[0]!};

    it(`${name}: only the companion server reaches the engines' API`, () => {
      expect(allows(o, companion, engine, 2376)).toBe(true);
      for (const from of [registry, engine, ingressController, otherPod, internet]) expect(allows(o, from, engine, 2376)).toBe(false);
      expect(allows(o, companion, engine, 2375)).toBe(false);
    });

    it(`${name}: engines (and so build steps) reach only DNS, the Debian mirror, the registry and the token endpoint`, () => {
      expect(allows(o, engine, dns, 53, 'UDP')).toBe(true);
      expect(allows(o, engine, dns, 53, 'TCP')).toBe(true);
      expect(allows(o, engine, mirror, 80)).toBe(true);
      expect(allows(o, engine, mirror, 443)).toBe(true);
      expect(allows(o, engine, registry, 5000)).toBe(true);
      const tokenPort = Number(configMapData(o, 'lab-companion-env').LAB_TOKEN_PORT);
      expect(allows(o, engine, companion, tokenPort)).toBe(true); // the registry's token realm
      expect(allows(o, engine, companion, 3000)).toBe(false); // the site and the terminal are not theirs
      for (const to of [internet, apiServer, otherPod]) {
        for (const port of [80, 443, 8080]) expect(allows(o, engine, to, port), JSON.stringify(to)).toBe(false);
      }
      // No engine reaches another (the pool's engines hold different readers' images and builds).
      for (const port of [2376, 2375, 22, 80]) expect(allows(o, engine, engine, port), `engine to engine, port ${port}`).toBe(false);
      expect(allows(o, engine, mirror, 22)).toBe(false);
      expect(allows(o, engine, companion, 22)).toBe(false);
      expect(allows(o, engine, dns, 80)).toBe(false);
    });

    it(`${name}: readers' browsers reach the companion only through the ingress controller; the registry only through the engines`, () => {
      expect(allows(o, ingressController, companion, 3000)).toBe(true);
      expect(allows(o, otherPod, companion, 3000)).toBe(false);
      expect(allows(o, internet, companion, 3000)).toBe(false);
      // The server's own registry calls (catalog, removing a reader's repositories), with tokens it signs.
      expect(allows(o, companion, registry, 5000)).toBe(true);
      expect(allows(o, otherPod, registry, 5000)).toBe(false);
      expect(allows(o, ingressController, registry, 5000)).toBe(false);
      // Nobody but the engines reaches the token port.
      const tokenPort = Number(configMapData(o, 'lab-companion-env').LAB_TOKEN_PORT);
      for (const from of [ingressController, otherPod, registry, internet]) expect(allows(o, from, companion, tokenPort)).toBe(false);
      for (const to of [internet, apiServer, companion, engine, dns]) expect(allows(o, registry, to, 443)).toBe(false);
      expect(allows(o, registry, companion, tokenPort)).toBe(false); // it checks tokens, it never asks for one
      expect(allows(o, companion, internet, 443)).toBe(false);
    });
  }

  it('the check can fail: without the default deny and the engines\' own policy, any pod reaches the engine API', () => {
    const drop = (names: string[]) => example.objects.filter((x) => !(x.kind === 'NetworkPolicy' && names.includes(x.metadata.name)));
    const engine = podOf(workload(example.objects, 'StatefulSet', 'lab-engine'));
    const registry = podOf(workload(example.objects, 'Deployment', 'lab-registry'));
    const companion = podOf(workload(example.objects, 'Deployment', 'lab-companion'));
    // Without the engines' own policy the default deny shuts them off entirely, the server included.
    expect(allows(drop(['lab-engine']), companion, engine, 2376)).toBe(false);
    // Without both, nothing holds anyone back.
    const open = drop(['lab-engine', 'lab-default-deny']);
    expect(allows(open, otherPod, engine, 2376)).toBe(true);
    expect(allows(open, ingressController, engine, 2376)).toBe(true);
    // (The registry's own egress policy still stops it, and the mirror policy still bounds the engines' egress.)
    expect(allows(open, registry, engine, 2376)).toBe(false);
    expect(allows(open, engine, internet, 443)).toBe(false);
  });
});
