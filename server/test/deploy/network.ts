/**
 * Who may open a connection to whom under a set of NetworkPolicies: the Kubernetes semantics
 * (a pod selected by no policy of a direction is open in that direction; selected pods accept only
 * what some rule allows; egress and ingress must both allow), for matchLabels selectors, ipBlocks
 * and numbered or named ports. matchExpressions are refused rather than guessed.
 */
import {BlockList, isIPv4} from 'node:net';
import type {INetworkPolicy} from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type {INetworkPolicyPeer} from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type {INetworkPolicyPort} from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';
import type {K8sObject} from './kustomize';
import {matches} from './references';

export interface Pod {
  namespace: string;
  labels: Record<string, string>;
  /** The container ports (named ports of a rule resolve against the destination's). */
  ports?: {name?: string; containerPort: number; protocol?: string}[];
}
export type Endpoint = {pod: Pod} | {ip: string};

function nsLabels(namespace: string): Record<string, string> {
  return {'kubernetes.io/metadata.name': namespace};
}

function labelsOf(selector: {matchLabels?: Record<string, string>; matchExpressions?: unknown[]} | undefined) {
  if (selector?.matchExpressions?.length) throw new Error('matchExpressions are not supported by this checker');
  return selector?.matchLabels ?? {};
}

function types(np: INetworkPolicy): string[] {
  return np.spec?.policyTypes ?? (np.spec?.egress ? ['Ingress', 'Egress'] : ['Ingress']);
}

function peerMatches(peer: INetworkPolicyPeer, policyNamespace: string, e: Endpoint): boolean {
  if (peer.ipBlock) {
    if (!('ip' in e) || !isIPv4(e.ip)) return false;
    const inBlock = (cidr: string) => {
      const [addr, bits] = cidr.split('/');
      const list = new BlockList();
      list.addSubnet(addr!, Number(bits ?? 32), 'ipv4');
      return list.check(e.ip, 'ipv4');
    };
    return inBlock(peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some(inBlock);
  }
  if (!('pod' in e)) return false;
  const nsOk = peer.namespaceSelector
    ? matches(labelsOf(peer.namespaceSelector), nsLabels(e.pod.namespace))
    : e.pod.namespace === policyNamespace;
  const podOk = peer.podSelector ? matches(labelsOf(peer.podSelector), e.pod.labels) : true;
  return nsOk && podOk;
}

function portMatches(ports: INetworkPolicyPort[] | undefined, dest: Endpoint, port: number, protocol: string): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'number') return p.endPort ? port >= p.port && port <= p.endPort : port === p.port;
    return 'pod' in dest && (dest.pod.ports ?? []).some((c) => c.name === p.port && c.containerPort === port && (c.protocol ?? 'TCP') === protocol);
  });
}

function policiesFor(objects: K8sObject[], pod: Pod, type: 'Ingress' | 'Egress'): INetworkPolicy[] {
  return objects
    .filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === pod.namespace)
    .map((o) => o as unknown as INetworkPolicy)
    .filter((np) => types(np).includes(type) && matches(labelsOf(np.spec?.podSelector), pod.labels));
}

/** May `from` open a connection to `to` on `port`/`protocol` under the policies among `objects`? */
export function allows(objects: K8sObject[], from: Endpoint, to: Endpoint, port: number, protocol = 'TCP'): boolean {
  if ('pod' in from) {
    const egress = policiesFor(objects, from.pod, 'Egress');
    const out = egress.length === 0 || egress.some((np) =>
      (np.spec?.egress ?? []).some((rule) =>
        (!rule.to || rule.to.length === 0 || rule.to.some((peer) => peerMatches(peer, from.pod.namespace, to))) &&
        portMatches(rule.ports, to, port, protocol)));
    if (!out) return false;
  }
  if ('pod' in to) {
    const ingress = policiesFor(objects, to.pod, 'Ingress');
    return ingress.length === 0 || ingress.some((np) =>
      (np.spec?.ingress ?? []).some((rule) =>
        (!rule.from || rule.from.length === 0 || rule.from.some((peer) => peerMatches(peer, to.pod.namespace, from))) &&
        portMatches(rule.ports, to, port, protocol)));
  }
  return true;
}
