import { App, AppProps, PolicyViolation, Stack, Stage, Validations } from 'aws-cdk-lib';
import { NagPack } from 'cdk-nag';
import { IConstruct } from 'constructs';

/**
 * Options of the app that `HardenedEksTesting` makes for unit tests.
 */
export interface HardenedEksTestAppOptions {
  /**
   * Context of the app (feature flags, for example). Added to the testing context; a key given
   * here wins.
   *
   * @default - only the testing context
   */
  readonly context?: { [key: string]: any };

  /**
   * Where the app writes its cloud assembly.
   *
   * @default - a new folder under the system temp dir, as for any App without an outdir
   */
  readonly outdir?: string;
}

/** Context that makes a synth fast and its output independent of where and when it runs. */
const TESTING_CONTEXT: { [key: string]: boolean } = {
  // The kubectl and AWS CLI layers (about 58 MB) are not copied into every test's cloud assembly.
  'aws:cdk:disable-asset-staging': true,
  // No stack trace per resource in the construct metadata: most of a synth's time under jest.
  'aws:cdk:disable-stack-trace': true,
  'aws:cdk:disable-creation-stack-traces': true,
};

/**
 * An asset hash: 64 hex characters, alone or inside a file name or key. Not a content digest
 * (`sha256:<hex>`, as in an image pinned by digest): a changed digest must change the snapshot.
 */
const ASSET_HASH = /(?<!sha256:)(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])/g;

/** What an asset hash becomes in `stableTemplate`. */
const ASSET_HASH_PLACEHOLDER = '<asset hash>';

/**
 * Helpers for the unit and snapshot tests of apps that use this library: a fast app, a template
 * without asset hashes, and cdk-nag findings as the synth's validation report would show them.
 *
 * @example
 * const app = HardenedEksTesting.app();
 * const stack = new Stack(app, 'Platform');
 * new HardenedEksCluster(stack, 'Cluster');
 * expect(HardenedEksTesting.stableTemplate(stack)).toMatchSnapshot();
 * expect(HardenedEksTesting.nagViolations(new HardenedEksChecks(), app)).toEqual([]);
 */
export class HardenedEksTesting {
  /**
   * App props for unit tests: no asset staging, no stack traces in the metadata, and no
   * built-in CloudFormation validation (about a second and 350 MiB per synth; keep one test of
   * your own with it on).
   *
   * @param options context and outdir
   */
  public static appProps(options: HardenedEksTestAppOptions = {}): AppProps {
    return {
      builtinCloudFormationValidation: false,
      outdir: options.outdir,
      context: { ...TESTING_CONTEXT, ...options.context },
    };
  }

  /**
   * A new App with `appProps(options)`.
   *
   * @param options context and outdir
   */
  public static app(options: HardenedEksTestAppOptions = {}): App {
    return new App(HardenedEksTesting.appProps(options));
  }

  /**
   * The stack's CloudFormation template with every asset hash replaced by `<asset hash>`, so a
   * snapshot changes when the template does, not when a bundled asset (the kubectl layer, a
   * Lambda handler) or aws-cdk-lib's packaging of it does. Digests written as `sha256:<hex>`
   * (images pinned by digest) stay. Synthesizes the stack's stage.
   *
   * @param stack the stack to synthesize
   */
  public static stableTemplate(stack: Stack): any {
    // The stack's own stage (an App, or a Stage inside one) holds its artifact.
    const template = Stage.of(stack)!.synth().getStackArtifact(stack.artifactId).template;
    return JSON.parse(JSON.stringify(template).replace(ASSET_HASH, ASSET_HASH_PLACEHOLDER));
  }

  /**
   * The findings of a cdk-nag pack on `scope` that no acknowledgement covers, without a synth.
   * Honors both forms of `Validations.of(construct).acknowledge`: the plugin-prefixed id
   * (`AwsSolutions::AwsSolutions-IAM4[...]`, the form the library uses and documents, which the
   * synth's validation report lists under `suppressedViolations`) and the bare id, which cdk-nag
   * matches itself. An acknowledgement covers the construct it is recorded on and its children.
   *
   * @param pack the cdk-nag pack
   * @param scope the app, a stage or a stack
   */
  public static nagViolations(pack: NagPack, scope: IConstruct): PolicyViolation[] {
    const byPath = new Map(scope.node.findAll().map((c) => [c.node.path, c] as [string, IConstruct]));
    const namespace = pack.name.replace(/ /g, '-');
    const violations: PolicyViolation[] = [];
    for (const violation of pack.validateScope(scope).violations) {
      const id = `${namespace}::${violation.ruleName.replace(/ /g, '-')}`;
      const open = violation.violatingResources.filter((r) => !acknowledged(r.constructPath ? byPath.get(r.constructPath) : undefined, id));
      if (open.length > 0) { violations.push({ ...violation, violatingResources: open }); }
    }
    return violations;
  }

  private constructor() {}
}

/** Whether `construct` or a scope above it carries an acknowledgement of `id`. */
function acknowledged(construct: IConstruct | undefined, id: string): boolean {
  for (let current: IConstruct | undefined = construct; current; current = current.node.scope) {
    for (const entry of current.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && entry.data && id in entry.data) { return true; }
    }
  }
  return false;
}
