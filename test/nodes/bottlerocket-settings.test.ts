import * as TOML from 'smol-toml';
import {
  BootstrapContainerMode, BottlerocketSettings, checkBottlerocketSettings, HARDENED_SYSCTLS, KernelLockdown,
  renderBottlerocketSettings, toToml, unmergeableTables,
} from '../../lib/nodes/bottlerocket-settings';
import { PropProblems } from '../../lib/private/errors';

const CIS_SYSCTLS = {
  'fs.suid_dumpable': '0',
  'kernel.randomize_va_space': '2',
  'kernel.unprivileged_bpf_disabled': '1',
  'net.ipv4.conf.all.send_redirects': '0',
  'net.ipv4.conf.default.send_redirects': '0',
  'net.ipv4.conf.all.accept_source_route': '0',
  'net.ipv4.conf.default.accept_source_route': '0',
  'net.ipv6.conf.all.accept_source_route': '0',
  'net.ipv6.conf.default.accept_source_route': '0',
  'net.ipv4.conf.all.accept_redirects': '0',
  'net.ipv4.conf.default.accept_redirects': '0',
  'net.ipv6.conf.all.accept_redirects': '0',
  'net.ipv6.conf.default.accept_redirects': '0',
  'net.ipv4.conf.all.secure_redirects': '0',
  'net.ipv4.conf.default.secure_redirects': '0',
  'net.ipv4.conf.all.log_martians': '1',
  'net.ipv4.conf.default.log_martians': '1',
  'net.ipv4.icmp_echo_ignore_broadcasts': '1',
  'net.ipv4.icmp_ignore_bogus_error_responses': '1',
  'net.ipv4.tcp_syncookies': '1',
};

describe('renderBottlerocketSettings', () => {
  test('the hardening defaults, as a literal object', () => {
    expect(renderBottlerocketSettings({ settings: {}, controlContainer: false })).toEqual({
      settings: {
        'kernel': {
          lockdown: 'integrity',
          sysctl: CIS_SYSCTLS,
          modules: { udf: { allowed: false }, sctp: { allowed: false } },
        },
        'host-containers': { admin: { enabled: false }, control: { enabled: false } },
        'kubernetes': {
          'seccomp-default': true,
          'pod-pids-limit': 4096,
          'event-qps': 50,
          'event-burst': 100,
          'container-log-max-size': '10Mi',
          'container-log-max-files': 5,
        },
      },
    });
  });

  test('the library sysctls are exactly the CIS list above', () => {
    expect(HARDENED_SYSCTLS).toEqual(CIS_SYSCTLS);
  });

  test('user settings are merged in', () => {
    const rendered = renderBottlerocketSettings({
      controlContainer: true,
      settings: {
        kernelLockdown: KernelLockdown.CONFIDENTIALITY,
        sysctls: { 'vm.max_map_count': '262144' },
        blockedKernelModules: ['dccp'],
        podPidsLimit: 1024,
        eventQps: 20,
        eventBurst: 40,
        containerLogMaxSize: '50Mi',
        containerLogMaxFiles: 3,
        bootstrapContainers: [{ name: 'setup', source: 'example.com/setup:1', mode: BootstrapContainerMode.ONCE, essential: false, userData: 'aGk=' }],
      },
    }) as any;
    expect(rendered.settings.kernel.lockdown).toBe('confidentiality');
    expect(rendered.settings.kernel.sysctl).toEqual({ ...CIS_SYSCTLS, 'vm.max_map_count': '262144' });
    expect(rendered.settings.kernel.modules).toEqual({ udf: { allowed: false }, sctp: { allowed: false }, dccp: { allowed: false } });
    expect(rendered.settings['host-containers']).toEqual({ admin: { enabled: false }, control: { enabled: true } });
    expect(rendered.settings.kubernetes).toEqual({
      'seccomp-default': true, 'pod-pids-limit': 1024, 'event-qps': 20, 'event-burst': 40,
      'container-log-max-size': '50Mi', 'container-log-max-files': 3,
    });
    expect(rendered.settings['bootstrap-containers']).toEqual({
      setup: { 'source': 'example.com/setup:1', 'mode': 'once', 'essential': false, 'user-data': 'aGk=' },
    });
  });

  test('a hardened sysctl is replaced only with the explicit override', () => {
    const settings: BottlerocketSettings = { sysctls: { 'kernel.unprivileged_bpf_disabled': '0' } };
    expect((renderBottlerocketSettings({ settings, controlContainer: false }) as any).settings.kernel.sysctl['kernel.unprivileged_bpf_disabled']).toBe('1');
    expect((renderBottlerocketSettings({ settings: { ...settings, overrideHardenedSysctls: true }, controlContainer: false }) as any)
      .settings.kernel.sysctl['kernel.unprivileged_bpf_disabled']).toBe('0');
  });
});

describe('toToml', () => {
  test('parses back, with a real TOML parser, to exactly the intended settings', () => {
    const rendered = renderBottlerocketSettings({
      settings: { sysctls: { 'vm.max_map_count': '262144' }, bootstrapContainers: [{ name: 'setup', source: 'example.com/setup:1' }] },
      controlContainer: false,
    });
    expect(TOML.parse(toToml(rendered))).toEqual(rendered);
  });

  test('sysctls are quoted keys in one table, never quoted dotted table headers (which EKS rejects)', () => {
    const toml = toToml(renderBottlerocketSettings({ settings: {}, controlContainer: false }));
    expect(toml).toContain('[settings.kernel.sysctl]\n"fs.suid_dumpable" = "0"');
    expect(toml).not.toMatch(/^\[[^\]]*"[^\]]*\]$/m);
    expect(unmergeableTables(TOML.parse(toml))).toEqual([]);
  });
});

describe('unmergeableTables', () => {
  test('finds a table whose key has a dot, wherever it is', () => {
    expect(unmergeableTables({ settings: { 'host-containers': { 'my.container': { enabled: true } } } }))
      .toEqual(['settings.host-containers."my.container"']);
  });

  test('a dotted key with a plain value is fine', () => {
    expect(unmergeableTables({ settings: { kernel: { sysctl: { 'a.b': '1' } } } })).toEqual([]);
  });
});

describe('checkBottlerocketSettings', () => {
  function problemsOf(settings: BottlerocketSettings): string[] {
    const problems = new PropProblems();
    checkBottlerocketSettings(problems, 'bottlerocket', settings);
    try {
      problems.throwIfAny('Test');
      return [];
    } catch (e) {
      return (e as Error).message.split('\n').slice(1);
    }
  }

  test('accepts sensible settings', () => {
    expect(problemsOf({ sysctls: { 'vm.max_map_count': '262144' }, podPidsLimit: 2048, containerLogMaxSize: '20Mi' })).toEqual([]);
  });

  test('fails when a user sysctl undoes a hardened one without the explicit override', () => {
    const [problem] = problemsOf({ sysctls: { 'net.ipv4.tcp_syncookies': '0' } });
    expect(problem).toContain('bottlerocket.sysctls: received "net.ipv4.tcp_syncookies=0"');
    expect(problem).toContain('overrideHardenedSysctls: true');
    expect(problemsOf({ sysctls: { 'net.ipv4.tcp_syncookies': '0' }, overrideHardenedSysctls: true })).toEqual([]);
  });

  test('fails on malformed values', () => {
    const problems = problemsOf({
      sysctls: { 'Not A Key': '1' },
      blockedKernelModules: ['bad.module'],
      podPidsLimit: 0,
      containerLogMaxSize: '10MB',
      containerLogMaxFiles: 1,
      bootstrapContainers: [{ name: 'has.dot', source: 'x:1' }, { name: 'dup', source: 'x:1' }, { name: 'dup', source: '' }],
    });
    expect(problems.join('\n')).toContain('bottlerocket.sysctls: received "Not A Key"');
    expect(problems.join('\n')).toContain('bottlerocket.blockedKernelModules: received "bad.module"');
    expect(problems.join('\n')).toContain('bottlerocket.podPidsLimit: received 0');
    expect(problems.join('\n')).toContain('bottlerocket.containerLogMaxSize: received "10MB"');
    expect(problems.join('\n')).toContain('bottlerocket.containerLogMaxFiles: received 1');
    expect(problems.join('\n')).toContain('bottlerocket.bootstrapContainers: received "has.dot"');
    expect(problems.join('\n')).toContain('bottlerocket.bootstrapContainers: received "dup". Each bootstrap container name may appear once');
    expect(problems.join('\n')).toContain('bottlerocket.bootstrapContainers: received "". source is a container image URI');
  });
});
