import { Annotations, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import * as TOML from 'smol-toml';
import { WARNINGS } from '../private/defaults';
import { PropProblems } from '../private/errors';

/**
 * Kernel lockdown mode of Bottlerocket nodes (`settings.kernel.lockdown`).
 */
export enum KernelLockdown {
  /**
   * Blocks changes to the running kernel from user space (no unsigned modules, no /dev/mem,
   * no kexec of unsigned kernels). The default (CIS Bottlerocket 1.5.2).
   */
  INTEGRITY = 'integrity',
  /**
   * INTEGRITY, and also blocks reading kernel memory from user space. Stronger; may break
   * tools that read kernel state (some eBPF-based observability agents).
   */
  CONFIDENTIALITY = 'confidentiality',
  /**
   * No lockdown. A weakening: leaves the warning `cdk-hardened-eks:kernelLockdownOff`.
   */
  NONE = 'none',
}

/**
 * When a Bottlerocket bootstrap container runs.
 */
export enum BootstrapContainerMode {
  /** Runs once, on the next boot only. */
  ONCE = 'once',
  /** Runs on every boot. */
  ALWAYS = 'always',
  /** Does not run. */
  OFF = 'off',
}

/**
 * A Bottlerocket bootstrap container: runs before the kubelet starts, for host setup that no
 * setting covers (`settings.bootstrap-containers.<name>`).
 */
export interface BottlerocketBootstrapContainer {
  /** Name of the container: lowercase letters, digits and '-'. */
  readonly name: string;
  /** Container image URI, pinned by digest or tag. */
  readonly source: string;
  /**
   * When it runs.
   *
   * @default BootstrapContainerMode.ALWAYS
   */
  readonly mode?: BootstrapContainerMode;
  /**
   * Whether the boot fails when the container fails.
   *
   * @default true
   */
  readonly essential?: boolean;
  /**
   * Base64-encoded user data handed to the container.
   *
   * @default - none
   */
  readonly userData?: string;
}

/**
 * Typed Bottlerocket settings for a node group. The library renders them, merged with its
 * hardening defaults, into the TOML user data EKS merges with its own settings at boot.
 */
export interface BottlerocketSettings {
  /**
   * Kernel lockdown mode.
   *
   * @default KernelLockdown.INTEGRITY
   */
  readonly kernelLockdown?: KernelLockdown;

  /**
   * Extra kernel parameters (`settings.kernel.sysctl`), for example `{ 'vm.max_map_count': '262144' }`.
   * A key the library already hardens is rejected unless `overrideHardenedSysctls` is set.
   *
   * @default - only the library's hardening sysctls
   */
  readonly sysctls?: { [key: string]: string };

  /**
   * Replace the library's value for hardened sysctl keys named in `sysctls`. A weakening: leaves
   * the warning `cdk-hardened-eks:hardenedSysctlOverridden`.
   *
   * @default false
   */
  readonly overrideHardenedSysctls?: boolean;

  /**
   * Extra kernel modules to block from loading (`settings.kernel.modules.<name>.allowed = false`).
   *
   * @default - only the library's (udf, sctp)
   */
  readonly blockedKernelModules?: string[];

  /**
   * Maximum number of processes per pod (`settings.kubernetes.pod-pids-limit`); bounds a fork bomb.
   *
   * @default 4096
   */
  readonly podPidsLimit?: number;

  /**
   * Events per second the kubelet may create (`settings.kubernetes.event-qps`, CIS EKS 3.2.7).
   *
   * @default 50
   */
  readonly eventQps?: number;

  /**
   * Burst of events above `eventQps` (`settings.kubernetes.event-burst`).
   *
   * @default 100
   */
  readonly eventBurst?: number;

  /**
   * Maximum size of a container log file before rotation (`settings.kubernetes.container-log-max-size`).
   *
   * @default '10Mi'
   */
  readonly containerLogMaxSize?: string;

  /**
   * Rotated log files kept per container (`settings.kubernetes.container-log-max-files`).
   *
   * @default 5
   */
  readonly containerLogMaxFiles?: number;

  /**
   * Bootstrap containers to run before the kubelet.
   *
   * @default - none
   */
  readonly bootstrapContainers?: BottlerocketBootstrapContainer[];
}

/** What the renderer needs besides the user's settings. */
export interface BottlerocketRenderOptions {
  readonly settings: BottlerocketSettings;
  /** Whether the SSM control host container runs (the node group's `enableSsmAccess`). */
  readonly controlContainer: boolean;
}

/**
 * CIS Bottlerocket Benchmark sysctls the library sets on every node. Each keeps EKS networking
 * (VPC CNI, kube-proxy) working; see the README for the ones left out and why.
 */
export const HARDENED_SYSCTLS: Readonly<Record<string, string>> = {
  'fs.suid_dumpable': '0', // 1.4.1 setuid programs do not create core dumps
  'kernel.randomize_va_space': '2', // 1.4.2 ASLR
  'kernel.unprivileged_bpf_disabled': '1', // 1.4.3 no unprivileged eBPF
  'net.ipv4.conf.all.send_redirects': '0', // 3.1.1 no packet redirect sending
  'net.ipv4.conf.default.send_redirects': '0',
  'net.ipv4.conf.all.accept_source_route': '0', // 3.2.1 no source-routed packets
  'net.ipv4.conf.default.accept_source_route': '0',
  'net.ipv6.conf.all.accept_source_route': '0',
  'net.ipv6.conf.default.accept_source_route': '0',
  'net.ipv4.conf.all.accept_redirects': '0', // 3.2.2 no ICMP redirects
  'net.ipv4.conf.default.accept_redirects': '0',
  'net.ipv6.conf.all.accept_redirects': '0',
  'net.ipv6.conf.default.accept_redirects': '0',
  'net.ipv4.conf.all.secure_redirects': '0', // 3.2.3 no secure ICMP redirects
  'net.ipv4.conf.default.secure_redirects': '0',
  'net.ipv4.conf.all.log_martians': '1', // 3.2.4 log suspicious packets
  'net.ipv4.conf.default.log_martians': '1',
  'net.ipv4.icmp_echo_ignore_broadcasts': '1', // 3.2.5 ignore broadcast ICMP
  'net.ipv4.icmp_ignore_bogus_error_responses': '1', // 3.2.6 ignore bogus ICMP responses
  'net.ipv4.tcp_syncookies': '1', // 3.2.7 SYN cookies
};

/** Kernel modules blocked on every node: udf (CIS Bottlerocket 1.1.1.1) and sctp (3.3.1). */
export const BLOCKED_KERNEL_MODULES: readonly string[] = ['udf', 'sctp'];

/** Kubelet defaults the library sets explicitly (so they hold whatever the variant's default). */
export const KUBELET_DEFAULTS = {
  podPidsLimit: 4096,
  eventQps: 50,
  eventBurst: 100,
  containerLogMaxSize: '10Mi',
  containerLogMaxFiles: 5,
} as const;

/**
 * The settings object the library renders for a node group: hardening defaults merged with the
 * user's settings. Pure: options in, plain object out.
 */
export function renderBottlerocketSettings(options: BottlerocketRenderOptions): Record<string, unknown> {
  const s = options.settings;
  const sysctls: Record<string, string> = { ...HARDENED_SYSCTLS };
  for (const [key, value] of Object.entries(s.sysctls ?? {})) {
    if (key in HARDENED_SYSCTLS && !s.overrideHardenedSysctls) { continue; }
    sysctls[key] = value;
  }
  const modules: Record<string, { allowed: boolean }> = {};
  for (const name of [...BLOCKED_KERNEL_MODULES, ...(s.blockedKernelModules ?? [])]) {
    modules[name] = { allowed: false };
  }
  const kubernetes: Record<string, unknown> = {
    'seccomp-default': true,
    'pod-pids-limit': s.podPidsLimit ?? KUBELET_DEFAULTS.podPidsLimit,
    'event-qps': s.eventQps ?? KUBELET_DEFAULTS.eventQps,
    'event-burst': s.eventBurst ?? KUBELET_DEFAULTS.eventBurst,
    'container-log-max-size': s.containerLogMaxSize ?? KUBELET_DEFAULTS.containerLogMaxSize,
    'container-log-max-files': s.containerLogMaxFiles ?? KUBELET_DEFAULTS.containerLogMaxFiles,
  };
  const settings: Record<string, unknown> = {
    kernel: { lockdown: s.kernelLockdown ?? KernelLockdown.INTEGRITY, sysctl: sysctls, modules },
    'host-containers': {
      admin: { enabled: false },
      control: { enabled: options.controlContainer },
    },
    kubernetes,
  };
  const bootstrap = s.bootstrapContainers ?? [];
  if (bootstrap.length > 0) {
    const containers: Record<string, unknown> = {};
    for (const c of bootstrap) {
      containers[c.name] = {
        source: c.source,
        mode: c.mode ?? BootstrapContainerMode.ALWAYS,
        essential: c.essential ?? true,
        ...(c.userData !== undefined ? { 'user-data': c.userData } : {}),
      };
    }
    settings['bootstrap-containers'] = containers;
  }
  return { settings };
}

/**
 * The TOML user data of a node group's or node pool's nodes: the rendered settings, checked to hold
 * no table header that EKS or Karpenter cannot merge with their own settings.
 */
export function renderUserData(options: BottlerocketRenderOptions): string {
  const settings = renderBottlerocketSettings(options);
  const unmergeable = unmergeableTables(settings);
  if (unmergeable.length > 0) {
    throw new Error(`Internal error: rendered Bottlerocket settings have table headers EKS and Karpenter cannot merge: ${unmergeable.join(', ')}`);
  }
  return toToml(settings);
}

/** Renders settings as TOML with a real TOML serializer. */
export function toToml(settings: Record<string, unknown>): string {
  return TOML.stringify(settings);
}

const SYSCTL_KEY = /^[a-z0-9_]+(\.[a-zA-Z0-9_-]+)+$/;
const MODULE_NAME = /^[a-z0-9_-]+$/;
const CONTAINER_NAME = /^[a-z0-9][a-z0-9-]*$/;
const QUANTITY = /^\d+(Ki|Mi|Gi)$/;

/** Checks the user's Bottlerocket settings; `prop` is the prop path used in messages. */
export function checkBottlerocketSettings(problems: PropProblems, prop: string, s: BottlerocketSettings): void {
  for (const [key, value] of Object.entries(s.sysctls ?? {})) {
    if (!SYSCTL_KEY.test(key)) {
      problems.add(`${prop}.sysctls`, key, "A sysctl key is dotted lowercase words such as 'vm.max_map_count'.");
    } else if (key in HARDENED_SYSCTLS && !s.overrideHardenedSysctls && value !== HARDENED_SYSCTLS[key]) {
      problems.add(`${prop}.sysctls`, `${key}=${value}`,
        `The library sets ${key}=${HARDENED_SYSCTLS[key]} (CIS Bottlerocket). Remove it, or set overrideHardenedSysctls: true to weaken it on purpose.`);
    }
    if (typeof value !== 'string' || (!Token.isUnresolved(value) && /[\n\r]/.test(value))) {
      problems.add(`${prop}.sysctls`, `${key}=${String(value)}`, 'A sysctl value is a single-line string, for example "262144".');
    }
  }
  for (const name of s.blockedKernelModules ?? []) {
    if (!MODULE_NAME.test(name)) {
      problems.add(`${prop}.blockedKernelModules`, name, 'A kernel module name is lowercase letters, digits, "_" and "-".');
    }
  }
  // eventQps may be 0 (no limit; CIS EKS 3.2.7 accepts 0 or an adequate level).
  const counts: Array<[string, number | undefined, number]> = [
    ['podPidsLimit', s.podPidsLimit, 1], ['eventQps', s.eventQps, 0], ['eventBurst', s.eventBurst, 1], ['containerLogMaxFiles', s.containerLogMaxFiles, 1],
  ];
  for (const [name, value, min] of counts) {
    if (value !== undefined && !Token.isUnresolved(value) && (!Number.isInteger(value) || value < min)) {
      problems.add(`${prop}.${name}`, value, `Use a whole number of at least ${min}.`);
    }
  }
  if (s.containerLogMaxFiles !== undefined && s.containerLogMaxFiles < 2 && s.containerLogMaxFiles >= 1) {
    problems.add(`${prop}.containerLogMaxFiles`, s.containerLogMaxFiles, 'The kubelet needs at least 2 log files per container to rotate.');
  }
  if (s.containerLogMaxSize !== undefined && !QUANTITY.test(s.containerLogMaxSize)) {
    problems.add(`${prop}.containerLogMaxSize`, s.containerLogMaxSize, "Use a size such as '10Mi' (Ki, Mi or Gi).");
  }
  if (s.kernelLockdown !== undefined && !Object.values(KernelLockdown).includes(s.kernelLockdown)) {
    problems.add(`${prop}.kernelLockdown`, s.kernelLockdown, 'Use KernelLockdown.INTEGRITY, CONFIDENTIALITY or NONE.');
  }
  const names = new Set<string>();
  for (const c of s.bootstrapContainers ?? []) {
    if (!CONTAINER_NAME.test(c.name) || c.name.length > 64) {
      // A dot would also make EKS reject the user data: [settings.bootstrap-containers."a.b"].
      problems.add(`${prop}.bootstrapContainers`, c.name, 'A bootstrap container name is lowercase letters, digits and "-" (no dots), at most 64 characters.');
    }
    if (names.has(c.name)) {
      problems.add(`${prop}.bootstrapContainers`, c.name, 'Each bootstrap container name may appear once.');
    }
    names.add(c.name);
    if (!c.source || /\s/.test(c.source)) {
      problems.add(`${prop}.bootstrapContainers`, c.source, 'source is a container image URI such as 111122223333.dkr.ecr.eu-west-1.amazonaws.com/setup:1.2.3.');
    }
    if (c.mode !== undefined && !Object.values(BootstrapContainerMode).includes(c.mode)) {
      problems.add(`${prop}.bootstrapContainers`, c.mode, 'mode is BootstrapContainerMode.ONCE, ALWAYS or OFF.');
    }
  }
}

/**
 * Table headers EKS cannot merge: a table whose key contains a dot renders as a quoted dotted
 * header (`[settings.a."b.c"]`), which EKS rejects. Returns the offending paths.
 */
export function unmergeableTables(value: unknown, path: string[] = []): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) { return []; }
  const found: string[] = [];
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const isTable = child !== null && typeof child === 'object' && !Array.isArray(child);
    if (isTable && key.includes('.')) { found.push([...path, JSON.stringify(key)].join('.')); }
    found.push(...unmergeableTables(child, [...path, key]));
  }
  return found;
}

/** The warnings of Bottlerocket settings that weaken a node (for node groups and node pools alike). */
export function warnAboutBottlerocketSettings(scope: IConstruct, s: BottlerocketSettings | undefined): void {
  const warnings = Annotations.of(scope);
  if (s?.kernelLockdown === KernelLockdown.NONE) {
    warnings.addWarningV2(WARNINGS.kernelLockdownOff, 'bottlerocket.kernelLockdown is NONE: user space may modify the running kernel.');
  }
  if (s?.overrideHardenedSysctls) {
    warnings.addWarningV2(WARNINGS.hardenedSysctlOverridden,
      'bottlerocket.overrideHardenedSysctls lets bottlerocket.sysctls replace CIS Bottlerocket values set by the library.');
  }
  if ((s?.bootstrapContainers ?? []).length > 0) {
    warnings.addWarningV2(WARNINGS.bootstrapContainers,
      'bottlerocket.bootstrapContainers run before the kubelet with CAP_SYS_ADMIN and the host\'s root filesystem: review their images like host software.');
  }
}
