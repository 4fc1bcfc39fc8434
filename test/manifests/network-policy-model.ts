/**
 * A small model of NetworkPolicy semantics (networking.k8s.io/v1) as the VPC CNI enforces them, to
 * test what the rendered policies allow rather than how they are spelled: a connection is allowed
 * when the source's egress and the destination's ingress both allow it. A pod that policies of a
 * direction select is limited to what their rules allow in that direction; a pod none selects is
 * open in standard mode and closed in strict mode. Host-network pods are outside policy (not
 * modelled). Covers what the library renders: label selectors (matchLabels, In/NotIn/Exists/
 * DoesNotExist), namespace selectors, IPv4 ipBlocks with except, and numeric ports.
 */
import { cidrContains } from '../../lib/private/cidr';

export interface PodRef {
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly ip: string;
}

/** A destination outside the cluster's pods. */
export interface External { readonly ip: string }

export type Endpoint = PodRef | External;

export interface Connection {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly protocol: 'TCP' | 'UDP';
  readonly port: number;
}

export type EnforcingMode = 'strict' | 'standard';

const isPod = (e: Endpoint): e is PodRef => 'namespace' in e;

function selects(selector: any, labels: Record<string, string>): boolean {
  if (selector === undefined || selector === null) { return true; }
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) { return false; }
  }
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In': if (!has || !e.values.includes(labels[e.key])) { return false; } break;
      case 'NotIn': if (has && e.values.includes(labels[e.key])) { return false; } break;
      case 'Exists': if (!has) { return false; } break;
      case 'DoesNotExist': if (has) { return false; } break;
      default: throw new Error(`operator ${e.operator} not modelled`);
    }
  }
  return true;
}

function namespaceLabels(name: string): Record<string, string> {
  return { 'kubernetes.io/metadata.name': name };
}

/** Whether a peer entry (of `from` or `to`) matches an endpoint, for a policy in `policyNamespace`. */
function peerMatches(peer: any, endpoint: Endpoint, policyNamespace: string): boolean {
  if (peer.ipBlock) {
    if (!cidrContains(peer.ipBlock.cidr, endpoint.ip)) { return false; }
    return !(peer.ipBlock.except ?? []).some((c: string) => cidrContains(c, endpoint.ip));
  }
  if (!isPod(endpoint)) { return false; }
  if (peer.namespaceSelector !== undefined) {
    if (!selects(peer.namespaceSelector, namespaceLabels(endpoint.namespace))) { return false; }
  } else if (endpoint.namespace !== policyNamespace) {
    return false;
  }
  return selects(peer.podSelector, endpoint.labels);
}

function portMatches(ports: any[] | undefined, protocol: string, port: number): boolean {
  if (!ports || ports.length === 0) { return true; }
  return ports.some((p) => (p.protocol ?? 'TCP') === protocol && (p.port === undefined || (
    typeof p.port === 'number' && port >= p.port && port <= (p.endPort ?? p.port))));
}

function directionAllows(policies: any[], pod: PodRef, peer: Endpoint, c: Connection, direction: 'Ingress' | 'Egress', mode: EnforcingMode): boolean {
  const ofPod = policies.filter((p) => p.kind === 'NetworkPolicy' && p.metadata.namespace === pod.namespace && selects(p.spec.podSelector, pod.labels));
  const selecting = ofPod.filter((p) => (p.spec.policyTypes ?? ['Ingress']).includes(direction));
  if (selecting.length === 0) {
    // Strict mode closes a pod that no policy selects; one selected only for the other direction
    // is open in this one, as in standard mode.
    return mode === 'standard' || ofPod.length > 0;
  }
  const rulesKey = direction === 'Ingress' ? 'ingress' : 'egress';
  const peersKey = direction === 'Ingress' ? 'from' : 'to';
  return selecting.some((p) => (p.spec[rulesKey] ?? []).some((rule: any) => {
    const peers: any[] | undefined = rule[peersKey];
    const peerOk = peers === undefined || peers.length === 0 || peers.some((entry) => peerMatches(entry, peer, pod.namespace));
    return peerOk && portMatches(rule.ports, c.protocol, c.port);
  }));
}

/** Whether the policies let the connection through. */
export function allows(policies: any[], c: Connection, mode: EnforcingMode = 'strict'): boolean {
  const egressOk = !isPod(c.from) || directionAllows(policies, c.from, c.to, c, 'Egress', mode);
  const ingressOk = !isPod(c.to) || directionAllows(policies, c.to, c.from, c, 'Ingress', mode);
  return egressOk && ingressOk;
}
