import { App, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { HardenedEksChecks } from '../../lib';
import { decodeUserData } from '../../lib/nag/rules/bottlerocket-user-data';
import { UNRESOLVED } from '../../lib/nag/rules/rule';
import { fastApp } from '../fixtures';

const SAFE_TOML = [
  '[settings.kernel]', 'lockdown = "integrity"', '',
  '[settings.host-containers.admin]', 'enabled = false', '',
].join('\n');

interface Fixture { app: App; stack: Stack; nodegroup: eks.CfnNodegroup; template: ec2.CfnLaunchTemplate }

/** A compliant Bottlerocket node group with its launch template; `change` breaks one thing. */
function fixture(change: (f: Fixture) => void = () => undefined, userData: string | undefined = SAFE_TOML): Fixture {
  const app = fastApp();
  const stack = new Stack(app, 'Rules');
  const template = new ec2.CfnLaunchTemplate(stack, 'Template', {
    launchTemplateData: {
      userData: userData === undefined ? undefined : Fn.base64(userData),
      metadataOptions: { httpTokens: 'required', httpPutResponseHopLimit: 1 },
      blockDeviceMappings: [
        { deviceName: '/dev/xvda', ebs: { encrypted: true } },
        { deviceName: '/dev/xvdb', ebs: { encrypted: true, volumeSize: 50 } },
      ],
    },
  });
  const nodegroup = new eks.CfnNodegroup(stack, 'Nodes', {
    clusterName: 'prod',
    nodeRole: 'arn:aws:iam::111122223333:role/nodes',
    subnets: ['subnet-1'],
    amiType: 'BOTTLEROCKET_x86_64',
    launchTemplate: { id: template.ref, version: template.attrLatestVersionNumber },
  });
  const f = { app, stack, nodegroup, template };
  change(f);
  return f;
}

function findings(app: App): string[] {
  return new HardenedEksChecks().validateScope(app).violations
    .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`));
}

function withUserData(toml: string): string[] {
  return findings(fixture(undefined, toml).app);
}

test('a compliant node group has no finding', () => {
  expect(findings(fixture().app)).toEqual([]);
});

describe('NodegroupBottlerocket', () => {
  test.each(['AL2023_x86_64_STANDARD', 'AL2_x86_64', 'CUSTOM'])('non-compliant with %s', (amiType) => {
    expect(findings(fixture(({ nodegroup }) => { nodegroup.amiType = amiType; }).app))
      .toEqual(['HardenedEks-NodegroupBottlerocket @ Rules/Nodes']);
  });

  test('non-compliant when the AMI type is left to EKS (Amazon Linux)', () => {
    expect(findings(fixture(({ nodegroup }) => { nodegroup.amiType = undefined; }).app))
      .toEqual(['HardenedEks-NodegroupBottlerocket @ Rules/Nodes']);
  });

  test.each(['BOTTLEROCKET_ARM_64', 'BOTTLEROCKET_x86_64_FIPS', 'BOTTLEROCKET_ARM_64_FIPS'])('compliant with %s', (amiType) => {
    expect(findings(fixture(({ nodegroup }) => { nodegroup.amiType = amiType; }).app)).toEqual([]);
  });
});

describe('NodegroupImdsv2', () => {
  test('non-compliant without a launch template (EKS default: IMDSv1 allowed, hop limit 2)', () => {
    expect(findings(fixture(({ nodegroup }) => { nodegroup.launchTemplate = undefined; }).app)).toEqual([
      'HardenedEks-NodegroupImdsv2[Imds::NoLaunchTemplate] @ Rules/Nodes',
      'HardenedEks-NodegroupEncryptedVolumes[Volume::NoLaunchTemplate] @ Rules/Nodes',
    ]);
  });

  test('says when the launch template is not in the app and could not be checked', () => {
    const f = fixture(({ nodegroup }) => { nodegroup.launchTemplate = { id: 'lt-0123456789abcdef0', version: '1' }; });
    expect(findings(f.app)).toEqual([
      'HardenedEks-NodegroupImdsv2[Imds::LaunchTemplateNotInApp] @ Rules/Nodes',
      'HardenedEks-NodegroupEncryptedVolumes[Volume::LaunchTemplateNotInApp] @ Rules/Nodes',
      'HardenedEks-BottlerocketUserData[UserData::LaunchTemplateNotInApp] @ Rules/Nodes',
    ]);
  });

  test('non-compliant when tokens are optional or the hop limit is above 1 or unset', () => {
    expect(findings(fixture(({ template }) => {
      template.addPropertyOverride('LaunchTemplateData.MetadataOptions', { HttpTokens: 'optional', HttpPutResponseHopLimit: 2 });
    }).app)).toEqual([
      'HardenedEks-NodegroupImdsv2[Imds::TokensOptional] @ Rules/Nodes',
      'HardenedEks-NodegroupImdsv2[Imds::HopLimitAboveOne] @ Rules/Nodes',
    ]);
    expect(findings(fixture(({ template }) => {
      template.addPropertyDeletionOverride('LaunchTemplateData.MetadataOptions.HttpPutResponseHopLimit');
    }).app)).toEqual(['HardenedEks-NodegroupImdsv2[Imds::HopLimitNotSet] @ Rules/Nodes']);
  });
});

describe('NodegroupEncryptedVolumes', () => {
  test('one finding per unencrypted device', () => {
    const f = fixture(({ template }) => {
      template.addPropertyOverride('LaunchTemplateData.BlockDeviceMappings.1.Ebs.Encrypted', false);
    });
    expect(findings(f.app)).toEqual(['HardenedEks-NodegroupEncryptedVolumes[Volume::/dev/xvdb] @ Rules/Nodes']);
  });

  test('a Bottlerocket node group must map (and encrypt) both its OS and data volumes', () => {
    const f = fixture(({ template }) => {
      template.addPropertyOverride('LaunchTemplateData.BlockDeviceMappings', [{ DeviceName: '/dev/xvdb', Ebs: { Encrypted: true } }]);
    });
    expect(findings(f.app)).toEqual(['HardenedEks-NodegroupEncryptedVolumes[Volume::/dev/xvda:NotMapped] @ Rules/Nodes']);
  });

  test('non-compliant when the launch template maps no volumes', () => {
    const f = fixture(({ template }) => template.addPropertyDeletionOverride('LaunchTemplateData.BlockDeviceMappings'));
    expect(findings(f.app)).toEqual(['HardenedEks-NodegroupEncryptedVolumes[Volume::NoBlockDeviceMappings] @ Rules/Nodes']);
  });
});

describe('NodegroupNoRemoteAccess', () => {
  test('non-compliant with RemoteAccess', () => {
    expect(findings(fixture(({ nodegroup }) => { nodegroup.remoteAccess = { ec2SshKey: 'ops' }; }).app))
      .toEqual(['HardenedEks-NodegroupNoRemoteAccess @ Rules/Nodes']);
  });

  test('non-compliant with a key pair in the launch template', () => {
    expect(findings(fixture(({ template }) => template.addPropertyOverride('LaunchTemplateData.KeyName', 'ops')).app))
      .toEqual(['HardenedEks-NodegroupNoRemoteAccess @ Rules/Nodes']);
  });
});

describe('BottlerocketUserData', () => {
  test('the admin container enabled, whatever the TOML formatting', () => {
    const expected = ['HardenedEks-BottlerocketUserData[Setting::host-containers.admin.enabled] @ Rules/Nodes'];
    expect(withUserData('[settings.host-containers.admin]\nenabled = true\n')).toEqual(expected);
    expect(withUserData('settings.host-containers.admin.enabled = true\n')).toEqual(expected);
    expect(withUserData('[settings]\n"host-containers" = { admin = { enabled = true } }\n')).toEqual(expected);
    expect(withUserData('# admin off\n[ settings . "host-containers" . admin ]   # really?\nenabled=true\n')).toEqual(expected);
  });

  test('any other enabled superpowered host container is an admin container under another name', () => {
    expect(withUserData('[settings.host-containers.shell]\nenabled = true\nsuperpowered = true\nsource = "x"\n'))
      .toEqual(['HardenedEks-BottlerocketUserData[Setting::host-containers.shell.superpowered] @ Rules/Nodes']);
    expect(withUserData('[settings.host-containers.shell]\nenabled = false\nsuperpowered = true\n')).toEqual([]);
  });

  test('user data with deploy-time values could not be checked, and says so', () => {
    const app = fastApp();
    const stack = new Stack(app, 'Rules');
    const lockdown = new CfnParameter(stack, 'Lockdown').valueAsString;
    const template = new ec2.CfnLaunchTemplate(stack, 'Template', {
      launchTemplateData: {
        userData: Fn.base64(`[settings.kernel]\nlockdown = "${lockdown}"\n`),
        metadataOptions: { httpTokens: 'required', httpPutResponseHopLimit: 1 },
        blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { encrypted: true } }, { deviceName: '/dev/xvdb', ebs: { encrypted: true } }],
      },
    });
    new eks.CfnNodegroup(stack, 'Nodes', {
      clusterName: 'prod', nodeRole: 'arn:aws:iam::111122223333:role/nodes', subnets: ['subnet-1'], amiType: 'BOTTLEROCKET_x86_64',
      launchTemplate: { id: template.ref, version: template.attrLatestVersionNumber },
    });
    expect(findings(app)).toEqual(['HardenedEks-BottlerocketUserData[UserData::Unresolved] @ Rules/Nodes']);
  });

  test('kernel lockdown none', () => {
    expect(withUserData('[settings.kernel]\nlockdown = "none"\n'))
      .toEqual(['HardenedEks-BottlerocketUserData[Setting::kernel.lockdown] @ Rules/Nodes']);
  });

  test('unsafe sysctls allowed for pods', () => {
    expect(withUserData('[settings.kubernetes]\nallowed-unsafe-sysctls = ["net.core.somaxconn"]\n'))
      .toEqual(['HardenedEks-BottlerocketUserData[Setting::kubernetes.allowed-unsafe-sysctls] @ Rules/Nodes']);
  });

  test('static pods (no admission policy sees them) and the dedicated label or taint set by hand', () => {
    expect(withUserData('[settings.kubernetes.static-pods.x]\nenabled = true\nmanifest = "e30="\n'))
      .toEqual(['HardenedEks-BottlerocketUserData[Setting::kubernetes.static-pods] @ Rules/Nodes']);
    expect(withUserData('[settings.kubernetes.node-labels]\n"cdk-hardened-eks.io/dedicated" = "batch"\n'))
      .toEqual(['HardenedEks-BottlerocketUserData[Setting::kubernetes.node-labels] @ Rules/Nodes']);
    expect(withUserData('[settings.kubernetes.node-taints]\n"cdk-hardened-eks.io/dedicated" = ["batch:NoSchedule"]\n'))
      .toEqual(['HardenedEks-BottlerocketUserData[Setting::kubernetes.node-taints] @ Rules/Nodes']);
    expect(withUserData('[settings.kubernetes.node-labels]\n"example.com/pool" = "a"\n')).toEqual([]);
  });

  test('a comment or a string mentioning the setting is not a finding', () => {
    expect(withUserData('# settings.host-containers.admin.enabled = true\n[settings.motd]\nx = "admin.enabled = true"\n')).toEqual([]);
  });

  test('user data that is not TOML could not be checked, and says so', () => {
    expect(withUserData('#!/bin/bash\necho hi\n')).toEqual(['HardenedEks-BottlerocketUserData[UserData::Unparseable] @ Rules/Nodes']);
  });

  test('does not apply to non-Bottlerocket node groups', () => {
    const f = fixture(({ nodegroup }) => { nodegroup.amiType = 'AL2023_x86_64_STANDARD'; }, '#!/bin/bash\n');
    expect(findings(f.app)).toEqual(['HardenedEks-NodegroupBottlerocket @ Rules/Nodes']);
  });

  test('reads base64 literals and Fn::Join with unresolved parts', () => {
    expect(decodeUserData(Buffer.from('a = 1').toString('base64'))).toBe('a = 1');
    expect(decodeUserData({ 'Fn::Base64': { 'Fn::Join': ['', ['name = "', { Ref: 'X' }, '"']] } })).toBe(`name = "${UNRESOLVED}"`);
    expect(decodeUserData({ 'Fn::Base64': { Ref: 'X' } })).toBeUndefined();
  });
});
