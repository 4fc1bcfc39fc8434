import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { VOLUME_TYPES } from './admission-policy';
import {
  IMDS_ADDRESS, NamespaceRenderOptions, renderNamespaceAccessObjects, renderNamespaceObjects, renderPodIdentityAgentPolicy,
} from './namespace-objects';
import { parseNonNegativeQuantity } from './quantity';
import { IDedicatedNodes, IHardenedCluster } from '../core/hardened-cluster';
import { canonicalIpv4Cidr, cidrContains } from '../private/cidr';
import { DEDICATED_NODE_KEY, NAMESPACE_DEFAULTS, WARNINGS } from '../private/defaults';
import { PropProblems } from '../private/errors';
import { factsOf } from '../report/facts';
import { isDns1123Label, isLabelKey } from '../private/names';

/**
 * Pod Security Admission level of a namespace (enforce, audit and warn).
 */
export enum PodSecurityLevel {
  /** The `restricted` profile. The default. */
  RESTRICTED = 'restricted',
  /** The `baseline` profile. A weakening: leaves the warning `cdk-hardened-eks:podSecurityBaseline`. */
  BASELINE = 'baseline',
}

/** Transport protocol of an egress rule. */
export enum NetworkProtocol {
  TCP = 'TCP',
  UDP = 'UDP',
}

/**
 * Egress the namespace's pods may open beyond DNS.
 */
export interface NamespaceEgressRule {
  /** IPv4 CIDR. If it contains the instance metadata address, that address is cut out. */
  readonly cidr: string;
  /**
   * Ports; all ports when empty.
   *
   * @default - all ports
   */
  readonly ports?: number[];
  /**
   * Protocol of the ports.
   *
   * @default NetworkProtocol.TCP
   */
  readonly protocol?: NetworkProtocol;
}

/**
 * The namespace's ResourceQuota. Quantities are Kubernetes quantities ('4', '500m', '8Gi').
 */
export interface NamespaceQuota {
  /** @default '4' */
  readonly requestsCpu?: string;
  /** @default '8Gi' */
  readonly requestsMemory?: string;
  /** @default '8' */
  readonly limitsCpu?: string;
  /** @default '16Gi' */
  readonly limitsMemory?: string;
  /** @default 50 */
  readonly pods?: number;
  /** @default 10 */
  readonly persistentVolumeClaims?: number;
  /** Total storage all persistent volume claims of the namespace may request. @default '100Gi' */
  readonly requestsStorage?: string;
  /**
   * Allow Services of type LoadBalancer (an internet-facing load balancer is one annotation away).
   *
   * @default false
   */
  readonly allowLoadBalancers?: boolean;
  /**
   * Allow Services of type NodePort (opens a port on every node).
   *
   * @default false
   */
  readonly allowNodePorts?: boolean;
}

/**
 * The namespace's LimitRange for containers.
 */
export interface ContainerLimits {
  /** @default '100m' */
  readonly defaultRequestCpu?: string;
  /** @default '128Mi' */
  readonly defaultRequestMemory?: string;
  /** @default '500m' */
  readonly defaultLimitCpu?: string;
  /** @default '512Mi' */
  readonly defaultLimitMemory?: string;
  /** @default '2' */
  readonly maxCpu?: string;
  /** @default '4Gi' */
  readonly maxMemory?: string;
}

/**
 * Options of a hardened namespace.
 */
export interface HardenedNamespaceOptions {
  /**
   * Pod Security Admission level (enforce, audit and warn), pinned to the cluster's minor version.
   *
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * Let pods of the namespace talk to each other.
   *
   * @default false
   */
  readonly allowSameNamespaceTraffic?: boolean;

  /**
   * Accept Ingresses and Gateway API objects (Gateways, HTTPRoutes, GRPCRoutes, TLSRoutes,
   * TCPRoutes, UDPRoutes) in the namespace. An ingress controller that watches every namespace
   * exposes whatever Service such an object names, so this leaves the warning
   * `cdk-hardened-eks:namespaceIngress`; without it the admission policies refuse them.
   *
   * @default false
   */
  readonly allowIngress?: boolean;

  /**
   * Node groups and Karpenter NodePools the namespace runs on, each created with `dedicated`: its
   * pods must select one of them (`nodeSelector` with `cdk-hardened-eks.io/dedicated`) and may
   * tolerate their taint, which the admission policies refuse in every other namespace.
   *
   * @default - none: the namespace's pods run on the shared node groups
   */
  readonly nodeGroups?: IDedicatedNodes[];

  /**
   * Taint keys the namespace's pods may tolerate beyond the node-condition taints (not-ready,
   * unreachable, disk, memory and PID pressure, unschedulable, network-unavailable) and the
   * taint of its `nodeGroups`. Tolerating a taint lets pods onto nodes reserved for something
   * else, so this leaves the warning `cdk-hardened-eks:namespaceTolerations`.
   *
   * @default - none
   */
  readonly allowedTolerationKeys?: string[];
  /**
   * Namespaces whose pods may connect to this namespace's pods.
   *
   * @default - none
   */
  readonly allowIngressFromNamespaces?: string[];
  /**
   * Namespaces this namespace's pods may connect to (the other side must allow the ingress).
   *
   * @default - none
   */
  readonly allowEgressToNamespaces?: string[];
  /**
   * Egress beyond DNS. The instance metadata address is never opened.
   *
   * @default - none
   */
  readonly allowEgress?: NamespaceEgressRule[];
  /**
   * Volume types allowed on top of configMap, secret and projected, for example
   * ['emptyDir', 'persistentVolumeClaim']. hostPath is never allowed.
   *
   * @default - none
   */
  readonly additionalVolumeTypes?: string[];
  /**
   * Registry prefixes images may come from ('111122223333.dkr.ecr.eu-west-1.amazonaws.com/team-a',
   * 'registry.example.com/team-a'). An image matches a prefix when it starts with the prefix and
   * a '/'.
   *
   * @default - the namespace's own repositories in the stack account's ECR registry in the stack
   * region (`<registry>/<namespace>/...`), and the cluster's `sharedImageRepositories` there
   */
  readonly allowedImageRegistries?: string[];
  /**
   * Require images pinned by digest.
   *
   * @default false
   */
  readonly requireImageDigests?: boolean;
  /**
   * ResourceQuota.
   *
   * @default - see NamespaceQuota
   */
  readonly quota?: NamespaceQuota;
  /**
   * LimitRange for containers.
   *
   * @default - see ContainerLimits
   */
  readonly containerLimits?: ContainerLimits;
}

/**
 * Properties of a HardenedNamespace.
 */
export interface HardenedNamespaceProps extends HardenedNamespaceOptions {
  /** The cluster. */
  readonly cluster: IHardenedCluster;
  /** Name of the namespace (a DNS-1123 label, not a reserved name). */
  readonly name: string;
}

/** Volume types of the Kubernetes v1 Volume object. */
const KNOWN_VOLUME_TYPES = new Set(VOLUME_TYPES);

/** Names a namespace of the library may not take. */
export const RESERVED_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

const REGISTRY = /^(localhost|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+)(:\d{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;

/**
 * A namespace hardened for one tenant:
 *
 * - Pod Security Admission `restricted` for enforce, audit and warn, pinned to the cluster's
 *   minor version; the library's ValidatingAdmissionPolicies apply to it (label
 *   `cdk-hardened-eks.io/admission=enforced`), with this namespace's settings in annotations of
 *   the Namespace, which namespace roles cannot change;
 * - NetworkPolicies: default deny in and out, DNS to CoreDNS, and a fixed set of openings, each
 *   closed unless asked for (the Pod Identity agent is opened when the namespace has Pod
 *   Identity service accounts);
 * - a ResourceQuota (no LoadBalancer or NodePort Services by default) and a LimitRange;
 * - the `default` service account without token automount;
 * - Roles `cdk-hardened-eks-view` and `-edit` without wildcards, bound to the groups
 *   `cdk-hardened-eks:<namespace>:view` / `:edit`.
 *
 * Deployed in three steps: `Manifest` (the Namespace, its NetworkPolicies, quota and limits),
 * `DefaultServiceAccount` (waits until the serviceaccount controller has created `default`), then
 * `Access` (`default` with automount off, the Roles and their bindings). Every object has a fixed
 * name, so an update changes objects in place and never relies on pruning.
 */
export class HardenedNamespace extends Construct {
  /** The namespace's name. */
  public readonly namespaceName: string;

  /** The KubernetesManifest that applies the Namespace, its NetworkPolicies, quota and limits. */
  public readonly manifest: eks.KubernetesManifest;

  /** The KubernetesManifest that applies the `default` service account and the Roles, after `manifest`. */
  public readonly accessManifest: eks.KubernetesManifest;

  /** The objects `manifest` applies, as rendered (the Pod Identity opening may change before synth). */
  public readonly objects: Record<string, unknown>[];

  /** The objects `accessManifest` applies. */
  public readonly accessObjects: Record<string, unknown>[];

  private podIdentityAgentAllowed = false;

  constructor(scope: Construct, id: string, props: HardenedNamespaceProps) {
    super(scope, id);
    this.namespaceName = props.name;
    const resolved = this.resolveOptions(props);
    this.objects = renderNamespaceObjects(resolved);
    const cluster = props.cluster.cluster;
    this.manifest = new eks.KubernetesManifest(this, 'Manifest', {
      cluster,
      manifest: this.objects,
      overwrite: true,
      // Fixed object names: an update converges without `kubectl apply --prune`.
      prune: false,
    });
    // The serviceaccount controller creates `default` once the Namespace exists; kubectl must find
    // it there (and patch it) rather than race the controller to create it.
    const defaultAccount = new eks.KubernetesObjectValue(this, 'DefaultServiceAccount', {
      cluster,
      objectType: 'serviceaccount',
      objectName: 'default',
      objectNamespace: props.name,
      jsonPath: '.metadata.uid',
    });
    defaultAccount.node.addDependency(this.manifest);
    this.accessObjects = renderNamespaceAccessObjects(props.name);
    this.accessManifest = new eks.KubernetesManifest(this, 'Access', {
      cluster,
      manifest: this.accessObjects,
      overwrite: true,
      prune: false,
    });
    this.accessManifest.node.addDependency(defaultAccount);
    factsOf(props.cluster).namespaces.push({
      name: props.name, baseline: props.podSecurity === PodSecurityLevel.BASELINE, requireDigests: props.requireImageDigests === true,
      ingress: props.allowIngress === true, loadBalancers: props.quota?.allowLoadBalancers === true, nodePorts: props.quota?.allowNodePorts === true,
      extraTolerations: (props.allowedTolerationKeys ?? []).length > 0,
    });
    const exposure: Array<[boolean | undefined, string, string]> = [
      [props.allowIngress, WARNINGS.namespaceIngress, 'accepts Ingresses and Gateway API routes (allowIngress): any ingress controller that watches it exposes the Services they name.'],
      [props.quota?.allowLoadBalancers, WARNINGS.namespaceLoadBalancers, 'may create Services of type LoadBalancer (quota.allowLoadBalancers): they can expose pods outside the VPC.'],
      [props.quota?.allowNodePorts, WARNINGS.namespaceNodePorts, 'may create Services of type NodePort (quota.allowNodePorts): they open a port on every node.'],
      [(props.allowedTolerationKeys ?? []).length > 0, WARNINGS.namespaceTolerations,
        `may tolerate the taints ${(props.allowedTolerationKeys ?? []).join(', ')} (allowedTolerationKeys): its pods may run on nodes reserved for something else.`],
    ];
    for (const [on, warning, what] of exposure) {
      if (on) { Annotations.of(this).addWarningV2(warning, `Namespace ${props.name} ${what}`); }
    }
    if (props.podSecurity === PodSecurityLevel.BASELINE) {
      Annotations.of(this).addWarningV2(WARNINGS.podSecurityBaseline,
        `Namespace ${props.name} enforces Pod Security baseline, not restricted: pods may run as root and without a seccomp profile ` +
        '(the admission policy still refuses privilege escalation and capabilities beyond NET_BIND_SERVICE).');
    }
  }

  /**
   * Opens egress to the EKS Pod Identity agent (169.254.170.23, TCP 80). The cluster calls this
   * when a Pod Identity service account is added to the namespace.
   */
  public allowPodIdentityAgent(): void {
    if (this.podIdentityAgentAllowed) { return; }
    this.podIdentityAgentAllowed = true;
    const index = this.objects.findIndex((o) => (o as { kind: string; metadata: { name: string } }).kind === 'NetworkPolicy' &&
      (o as { metadata: { name: string } }).metadata.name === 'allow-pod-identity-agent');
    this.objects[index] = renderPodIdentityAgentPolicy(this.namespaceName, true);
  }

  private resolveOptions(props: HardenedNamespaceProps): NamespaceRenderOptions {
    const problems = new PropProblems();
    const stack = Stack.of(this);
    const name = props.name;
    if (!Token.isUnresolved(name) && !isDns1123Label(name)) {
      problems.add('name', name, "A namespace name is a DNS-1123 label: up to 63 lowercase letters, digits and '-', starting and ending with a letter or digit.");
    }
    if (RESERVED_NAMESPACES.includes(name) || name.startsWith('kube-')) {
      problems.add('name', name, `${name} is reserved for Kubernetes (${RESERVED_NAMESPACES.join(', ')}, kube-*); choose a namespace of your own.`);
    }
    if (props.podSecurity !== undefined && !Object.values(PodSecurityLevel).includes(props.podSecurity)) {
      problems.add('podSecurity', props.podSecurity, 'Use PodSecurityLevel.RESTRICTED (the default) or BASELINE; privileged is never offered.');
    }
    for (const prop of ['allowIngressFromNamespaces', 'allowEgressToNamespaces'] as const) {
      for (const other of props[prop] ?? []) {
        if (!isDns1123Label(other)) { problems.add(prop, other, 'Each entry is a namespace name (a DNS-1123 label).'); }
      }
    }
    const egress = (props.allowEgress ?? []).map((rule) => {
      const canonical = canonicalIpv4Cidr(rule.cidr);
      if (Token.isUnresolved(rule.cidr)) {
        problems.add('allowEgress', rule.cidr, 'Give the CIDR as a literal: the library must know whether it covers the instance metadata address.');
      } else if (canonical !== rule.cidr) {
        problems.add('allowEgress', rule.cidr, canonical ? `Write the network address: '${canonical}'.` : "Each egress CIDR is an IPv4 CIDR such as '10.20.0.0/16'.");
      } else if (rule.cidr === `${IMDS_ADDRESS}/32`) {
        problems.add('allowEgress', rule.cidr, 'The instance metadata service is never opened to pods (it serves the node role\'s credentials).');
      }
      for (const port of rule.ports ?? []) {
        if (!Number.isInteger(port) || port < 1 || port > 65535) { problems.add('allowEgress', port, 'Ports are whole numbers from 1 to 65535.'); }
      }
      return {
        cidr: rule.cidr,
        except: cidrContains(rule.cidr, IMDS_ADDRESS) && rule.cidr !== `${IMDS_ADDRESS}/32` ? [`${IMDS_ADDRESS}/32`] : [],
        ports: rule.ports ?? [],
        protocol: rule.protocol ?? NetworkProtocol.TCP,
      };
    });
    for (const group of props.nodeGroups ?? []) {
      if (group.dedicated === undefined) {
        problems.add('nodeGroups', group.node.path, 'The node group or NodePool is not dedicated to namespaces. Create it with dedicated: \'<name>\' so its nodes carry the label and taint the namespace binds to.');
      }
    }
    for (const key of props.allowedTolerationKeys ?? []) {
      if (!Token.isUnresolved(key) && !isLabelKey(key)) {
        problems.add('allowedTolerationKeys', key, "Each entry is a taint key such as 'example.com/gpu' (a label key); an empty key would tolerate every taint.");
      }
    }
    for (const type of props.additionalVolumeTypes ?? []) {
      if (type === 'hostPath') {
        problems.add('additionalVolumeTypes', type, 'hostPath is never allowed: it exposes the node\'s filesystem to the pod. Use a persistentVolumeClaim or emptyDir.');
      } else if (type === 'image') {
        problems.add('additionalVolumeTypes', type,
          'image volumes mount an OCI image the registry, tag and digest checks do not see. Bake the content into the container image instead.');
      } else if (!KNOWN_VOLUME_TYPES.has(type)) {
        problems.add('additionalVolumeTypes', type, "Use a Kubernetes volume type as written in a Pod spec, for example 'emptyDir' or 'persistentVolumeClaim'.");
      }
    }
    // By default a tenant runs its own images only: the node role can pull every repository of the
    // account, so without a per-namespace prefix one tenant could run another's images.
    const ecr = `${stack.account}.dkr.ecr.${stack.region}.${stack.urlSuffix}`;
    const registries = props.allowedImageRegistries
      ?? [`${ecr}/${name}`, ...props.cluster.sharedImageRepositories.map((repository) => `${ecr}/${repository}`)];
    if (registries.length === 0) {
      problems.add('allowedImageRegistries', '[]', 'Name at least one registry, or leave allowedImageRegistries unset for the namespace\'s own ECR repositories.');
    }
    for (const registry of registries) {
      if (!Token.isUnresolved(registry) && !REGISTRY.test(registry)) {
        problems.add('allowedImageRegistries', registry,
          "A registry prefix is a registry host (with a dot, or localhost), an optional port and optional path, without a trailing '/' or a tag, for example 'registry.example.com/team-a'.");
      }
    }
    const quota = { ...NAMESPACE_DEFAULTS.quota, ...(props.quota ?? {}) };
    const limits = { ...NAMESPACE_DEFAULTS.containerLimits, ...(props.containerLimits ?? {}) };
    const quantities: Array<[string, string]> = [
      ['quota.requestsCpu', quota.requestsCpu], ['quota.requestsMemory', quota.requestsMemory],
      ['quota.limitsCpu', quota.limitsCpu], ['quota.limitsMemory', quota.limitsMemory],
      ['containerLimits.defaultRequestCpu', limits.defaultRequestCpu], ['containerLimits.defaultRequestMemory', limits.defaultRequestMemory],
      ['containerLimits.defaultLimitCpu', limits.defaultLimitCpu], ['containerLimits.defaultLimitMemory', limits.defaultLimitMemory],
      ['containerLimits.maxCpu', limits.maxCpu], ['containerLimits.maxMemory', limits.maxMemory],
      ['quota.requestsStorage', quota.requestsStorage],
    ];
    const value: Record<string, number | undefined> = {};
    for (const [prop, text] of quantities) {
      value[prop] = parseNonNegativeQuantity(text);
      if (value[prop] === undefined) {
        problems.add(prop, text, "Use a Kubernetes quantity: a non-negative number with an optional unit and no space, such as '500m', '2' or '4Gi'.");
      }
    }
    const atLeast = (lower: string, upper: string) => {
      const a = value[lower];
      const b = value[upper];
      if (a !== undefined && b !== undefined && a > b) {
        problems.add(lower, quantities.find(([p]) => p === lower)![1], `It is larger than ${upper} (${quantities.find(([p]) => p === upper)![1]}); a request may not exceed its limit.`);
      }
    };
    atLeast('quota.requestsCpu', 'quota.limitsCpu');
    atLeast('quota.requestsMemory', 'quota.limitsMemory');
    atLeast('containerLimits.defaultRequestCpu', 'containerLimits.defaultLimitCpu');
    atLeast('containerLimits.defaultRequestMemory', 'containerLimits.defaultLimitMemory');
    atLeast('containerLimits.defaultLimitCpu', 'containerLimits.maxCpu');
    atLeast('containerLimits.defaultLimitMemory', 'containerLimits.maxMemory');
    for (const [prop, count] of [['quota.pods', quota.pods], ['quota.persistentVolumeClaims', quota.persistentVolumeClaims]] as const) {
      if (!Number.isInteger(count) || count < 0) { problems.add(prop, count, 'Use a whole number of at least 0.'); }
    }
    problems.throwIfAny(this.node.path);

    return {
      name,
      podSecurityLevel: props.podSecurity ?? PodSecurityLevel.RESTRICTED,
      podSecurityVersion: `v${props.cluster.kubernetesVersion}`,
      allowSameNamespaceTraffic: props.allowSameNamespaceTraffic ?? false,
      allowIngressFromNamespaces: [...(props.allowIngressFromNamespaces ?? [])],
      allowEgressToNamespaces: [...(props.allowEgressToNamespaces ?? [])],
      allowEgress: egress,
      allowPodIdentityAgent: false,
      allowLoadBalancers: quota.allowLoadBalancers,
      allowNodePorts: quota.allowNodePorts,
      allowIngress: props.allowIngress ?? false,
      allowedTolerationKeys: [...new Set([...(props.nodeGroups ?? []).length > 0 ? [DEDICATED_NODE_KEY] : [], ...(props.allowedTolerationKeys ?? [])])],
      nodeSelectors: (props.nodeGroups ?? []).map((group) => `${DEDICATED_NODE_KEY}=${group.dedicated}`),
      additionalVolumeTypes: [...(props.additionalVolumeTypes ?? [])],
      allowedImageRegistries: registries,
      requireImageDigests: props.requireImageDigests ?? false,
      quota: {
        'requests.cpu': quota.requestsCpu,
        'requests.memory': quota.requestsMemory,
        'limits.cpu': quota.limitsCpu,
        'limits.memory': quota.limitsMemory,
        'pods': String(quota.pods),
        'persistentvolumeclaims': String(quota.persistentVolumeClaims),
        'requests.storage': quota.requestsStorage,
        ...(quota.allowLoadBalancers ? {} : { 'services.loadbalancers': '0' }),
        ...(quota.allowNodePorts ? {} : { 'services.nodeports': '0' }),
      },
      limits: {
        defaultRequest: { cpu: limits.defaultRequestCpu, memory: limits.defaultRequestMemory },
        default: { cpu: limits.defaultLimitCpu, memory: limits.defaultLimitMemory },
        max: { cpu: limits.maxCpu, memory: limits.maxMemory },
      },
    };
  }
}
