/**
 * One problem with the props a construct received: which prop, what it got and how to fix it.
 */
export interface PropProblem {
  /** The prop, as the user writes it (for example `endpointAccess`). */
  readonly prop: string;
  /** What the construct received, rendered for a human. */
  readonly received: string;
  /** What is allowed and what to do instead. */
  readonly fix: string;
}

/**
 * Thrown at synth time when a construct's props are invalid. The message lists every problem
 * found, not only the first, so a user fixes them in one pass.
 */
export class HardenedEksValidationError extends Error {
  public readonly problems: PropProblem[];

  constructor(constructPath: string, problems: PropProblem[]) {
    const lines = problems.map((p) => `  - ${p.prop}: received ${p.received}. ${p.fix}`);
    super(`Invalid props for ${constructPath} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`);
    this.name = 'HardenedEksValidationError';
    this.problems = problems;
  }
}

/**
 * Collects prop problems during validation and throws them all at once.
 */
export class PropProblems {
  private readonly problems: PropProblem[] = [];

  public add(prop: string, received: unknown, fix: string): void {
    this.problems.push({ prop, received: describe(received), fix });
  }

  public get count(): number {
    return this.problems.length;
  }

  /** Adds one problem and throws at once. */
  public throwIfAnyWith(constructPath: string, prop: string, received: unknown, fix: string): never {
    this.add(prop, received, fix);
    throw new HardenedEksValidationError(constructPath, this.problems);
  }

  public throwIfAny(constructPath: string): void {
    if (this.problems.length > 0) {
      throw new HardenedEksValidationError(constructPath, this.problems);
    }
  }
}

function describe(value: unknown): string {
  if (value === undefined) { return 'nothing'; }
  if (typeof value === 'string') { return JSON.stringify(value); }
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
