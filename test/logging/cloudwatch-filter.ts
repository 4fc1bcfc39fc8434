/**
 * A small evaluator of CloudWatch Logs JSON filter patterns and Contributor Insights rule filters,
 * for tests only. It follows the semantics AWS documents in "Filter pattern syntax for metric
 * filters, subscription filters, filter log events, and Live Tail" (JSON patterns) and
 * "Contributor Insights rule syntax":
 *
 * - `{ $.a.b = value }`, `[n]` array indexes, `[*]` / `.*` wildcard selectors (any element);
 *   `$.['key.with.dots']` bracket keys;
 * - `&&`, `||`, parentheses, with `&&` binding tighter than `||`;
 * - strings compare whole and case sensitively; `*` is a wildcard at the start and/or end of a
 *   value only (elsewhere it is a literal); `= *` alone matches any scalar value;
 * - `%regex%` values match anywhere in a string (unanchored);
 * - numbers compare with `= != < > <= >=`; a numeric comparison never matches a string;
 * - a selector that is absent, or that points to an object or array, matches neither `=` nor `!=`;
 * - `IS NULL`, `IS TRUE`, `IS FALSE`, `NOT EXISTS`.
 *
 * Where AWS does not document the behaviour (`!=` with a wildcard selector), it takes "some element
 * differs" and the library's patterns avoid that case. Anything it cannot parse throws: a pattern
 * the matcher does not understand must fail the test, never pass it silently.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Comparison {
  kind: 'cmp';
  path: PathStep[];
  op: '=' | '!=' | '<' | '>' | '<=' | '>=';
  value: { type: 'string'; text: string } | { type: 'number'; value: number } | { type: 'regex'; re: RegExp };
}
interface Predicate { kind: 'is'; path: PathStep[]; what: 'NULL' | 'TRUE' | 'FALSE' | 'NOT EXISTS' }
interface Binary { kind: '&&' | '||'; left: Expr; right: Expr }
type Expr = Comparison | Predicate | Binary;
type PathStep = { key: string } | { index: number } | { any: true };

export class FilterPatternError extends Error {}

/** Parses a JSON filter pattern; throws FilterPatternError on anything outside the documented syntax. */
export function parseFilterPattern(pattern: string): Expr {
  const p = new Parser(pattern.trim());
  p.expect('{');
  const expr = p.parseOr();
  p.expect('}');
  p.end();
  return expr;
}

/** Whether a log event (its message text) matches a JSON filter pattern. */
export function matchesFilterPattern(pattern: string, message: string): boolean {
  const expr = parseFilterPattern(pattern);
  let event: Json;
  try {
    event = JSON.parse(message);
  } catch {
    return false; // JSON patterns never match non-JSON events.
  }
  return evaluate(expr, event);
}

/** The number of `%regex%` values and wildcard selectors in a pattern (AWS quotas: 2 and 3). */
export function patternStats(pattern: string): { regexes: number; wildcardSelectors: number } {
  const counts = { regexes: 0, wildcardSelectors: 0 };
  const walk = (e: Expr): void => {
    if (e.kind === '&&' || e.kind === '||') { walk(e.left); walk(e.right); return; }
    const leaf = e as Comparison | Predicate;
    counts.wildcardSelectors += leaf.path.filter((s) => 'any' in s).length;
    if (leaf.kind === 'cmp' && leaf.value.type === 'regex') { counts.regexes++; }
  };
  walk(parseFilterPattern(pattern));
  return counts;
}

function evaluate(expr: Expr, event: Json): boolean {
  switch (expr.kind) {
    case '&&': return evaluate(expr.left, event) && evaluate(expr.right, event);
    case '||': return evaluate(expr.left, event) || evaluate(expr.right, event);
    case 'is': {
      const found = select(event, expr.path);
      if (expr.what === 'NOT EXISTS') { return found.length === 0; }
      const want = expr.what === 'NULL' ? null : expr.what === 'TRUE';
      return found.some((v) => v === want);
    }
    case 'cmp': return select(event, expr.path).some((v) => compare(v, expr));
  }
}

function compare(actual: Json, cmp: Comparison): boolean {
  if (actual === null || typeof actual === 'object') { return false; }
  const { op, value } = cmp;
  if (value.type === 'number') {
    if (typeof actual !== 'number') { return false; }
    switch (op) {
      case '=': return actual === value.value;
      case '!=': return actual !== value.value;
      case '<': return actual < value.value;
      case '>': return actual > value.value;
      case '<=': return actual <= value.value;
      case '>=': return actual >= value.value;
    }
  }
  const text = String(actual);
  let equal: boolean;
  if (value.type === 'regex') {
    if (typeof actual !== 'string') { return false; }
    equal = value.re.test(text);
  } else {
    equal = wildcardEquals(text, value.text);
  }
  return op === '=' ? equal : !equal;
}

function wildcardEquals(text: string, pattern: string): boolean {
  if (pattern === '*') { return true; }
  const starts = pattern.startsWith('*');
  const ends = pattern.endsWith('*') && pattern.length > 1;
  const core = pattern.slice(starts ? 1 : 0, ends ? -1 : undefined);
  if (starts && ends) { return text.includes(core); }
  if (starts) { return text.endsWith(core); }
  if (ends) { return text.startsWith(core); }
  return text === core;
}

function select(root: Json, path: PathStep[]): Json[] {
  let current: Json[] = [root];
  for (const step of path) {
    const next: Json[] = [];
    for (const node of current) {
      if (node === null || typeof node !== 'object') { continue; }
      if ('key' in step) {
        if (!Array.isArray(node) && Object.prototype.hasOwnProperty.call(node, step.key)) { next.push(node[step.key]); }
      } else if ('index' in step) {
        if (Array.isArray(node) && step.index < node.length) { next.push(node[step.index]); }
      } else {
        next.push(...(Array.isArray(node) ? node : Object.values(node)));
      }
    }
    current = next;
  }
  return current;
}

class Parser {
  private pos = 0;
  constructor(private readonly src: string) {}

  public expect(token: string): void {
    this.skipSpace();
    if (!this.src.startsWith(token, this.pos)) { this.fail(`expected ${token}`); }
    this.pos += token.length;
  }

  public end(): void {
    this.skipSpace();
    if (this.pos !== this.src.length) { this.fail('trailing text'); }
  }

  public parseOr(): Expr {
    let left = this.parseAnd();
    while (this.peek('||')) {
      this.pos += 2;
      left = { kind: '||', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parsePrimary();
    while (this.peek('&&')) {
      this.pos += 2;
      left = { kind: '&&', left, right: this.parsePrimary() };
    }
    return left;
  }

  private parsePrimary(): Expr {
    if (this.peek('(')) {
      this.pos++;
      const inner = this.parseOr();
      this.expect(')');
      return inner;
    }
    const path = this.parseSelector();
    this.skipSpace();
    for (const what of ['IS NULL', 'IS TRUE', 'IS FALSE', 'NOT EXISTS'] as const) {
      if (this.src.startsWith(what, this.pos)) {
        this.pos += what.length;
        return { kind: 'is', path, what: what === 'NOT EXISTS' ? what : (what.slice(3) as 'NULL' | 'TRUE' | 'FALSE') };
      }
    }
    const op = (['!=', '<=', '>=', '=', '<', '>'] as const).find((o) => this.src.startsWith(o, this.pos));
    if (!op) { this.fail('expected an operator'); }
    this.pos += op!.length;
    const value = this.parseValue();
    if (op !== '=' && op !== '!=' && value.type !== 'number') { this.fail(`operator ${op} needs a number`); }
    return { kind: 'cmp', path, op: op!, value };
  }

  private parseSelector(): PathStep[] {
    this.expect('$');
    const steps: PathStep[] = [];
    for (;;) {
      const c = this.src[this.pos];
      if (c === '.' && this.src[this.pos + 1] === '[') {
        this.pos++;
        continue;
      }
      if (c === '.') {
        this.pos++;
        if (this.src[this.pos] === '*') { this.pos++; steps.push({ any: true }); continue; }
        const m = /^[A-Za-z0-9_-]+/.exec(this.src.slice(this.pos));
        if (!m) { this.fail('expected a property name (letters, digits, - and _)'); }
        steps.push({ key: m![0] });
        this.pos += m![0].length;
      } else if (c === '[') {
        const m = /^\[(?:(\d+)|(\*)|'([^']*)')\]/.exec(this.src.slice(this.pos));
        if (!m) { this.fail('expected [n], [*] or [\'key\']'); }
        steps.push(m![1] !== undefined ? { index: Number(m![1]) } : m![2] ? { any: true } : { key: m![3] });
        this.pos += m![0].length;
      } else {
        return steps;
      }
    }
  }

  private parseValue(): Comparison['value'] {
    this.skipSpace();
    const rest = this.src.slice(this.pos);
    if (rest.startsWith('"')) {
      let i = 1;
      let text = '';
      while (i < rest.length && rest[i] !== '"') {
        if (rest[i] === '\\') { i++; }
        text += rest[i];
        i++;
      }
      if (i >= rest.length) { this.fail('unterminated string'); }
      this.pos += i + 1;
      return { type: 'string', text };
    }
    if (rest.startsWith('%')) {
      const close = rest.indexOf('%', 1);
      if (close < 0) { this.fail('unterminated regex'); }
      const body = rest.slice(1, close);
      if (/[()]/.test(body)) { this.fail('CloudWatch regex does not support ( and )'); }
      if (/[^A-Za-z0-9:_#=@/;,\-^$?[\]{}|\\*+.]/.test(body)) { this.fail(`unsupported character in regex ${body}`); }
      this.pos += close + 1;
      return { type: 'regex', re: new RegExp(body) };
    }
    const m = /^[^\s()&|}]+/.exec(rest);
    if (!m) { this.fail('expected a value'); }
    this.pos += m![0].length;
    const number = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(m![0]) ? Number(m![0]) : undefined;
    return number !== undefined ? { type: 'number', value: number } : { type: 'string', text: m![0] };
  }

  private peek(token: string): boolean {
    this.skipSpace();
    return this.src.startsWith(token, this.pos);
  }

  private skipSpace(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos])) { this.pos++; }
  }

  private fail(why: string): never {
    throw new FilterPatternError(`${why} at ${this.pos} in ${this.src}`);
  }
}

/** One filter of a Contributor Insights rule body. */
interface InsightFilter {
  Match: string;
  In?: string[];
  NotIn?: string[];
  StartsWith?: string[];
  EqualTo?: number;
  NotEqualTo?: number;
  GreaterThan?: number;
  LessThan?: number;
  IsPresent?: boolean;
}

/**
 * The contributor key(s) a Contributor Insights rule (LogFormat JSON, AggregateOn Count) counts an
 * event under, or undefined when the event does not contribute: every filter must hold (AND) and
 * every key must be present.
 */
export function insightContribution(rule: any, message: string): string[] | undefined {
  if (rule.Schema?.Name !== 'CloudWatchLogRule' || rule.Schema?.Version !== 1 || rule.LogFormat !== 'JSON') {
    throw new FilterPatternError('only JSON CloudWatchLogRule version 1 rules are supported');
  }
  let event: Json;
  try { event = JSON.parse(message); } catch { return undefined; }
  const valueAt = (path: string): Json | undefined => {
    if (!path.startsWith('$.')) { throw new FilterPatternError(`rule path must start with $.: ${path}`); }
    const steps: PathStep[] = [];
    for (const part of path.slice(2).split('.')) {
      const m = /^([A-Za-z0-9_-]+)((?:\[\d+\])*)$/.exec(part);
      if (!m) { throw new FilterPatternError(`unsupported rule path ${path}`); }
      steps.push({ key: m[1] });
      for (const idx of m[2].match(/\d+/g) ?? []) { steps.push({ index: Number(idx) }); }
    }
    const found = select(event, steps);
    return found.length > 0 ? found[0] : undefined;
  };
  for (const f of rule.Contribution.Filters as InsightFilter[]) {
    const v = valueAt(f.Match);
    const known = ['Match', 'In', 'NotIn', 'StartsWith', 'EqualTo', 'NotEqualTo', 'GreaterThan', 'LessThan', 'IsPresent'];
    const extra = Object.keys(f).filter((k) => !known.includes(k));
    if (extra.length > 0) { throw new FilterPatternError(`unsupported filter operators ${extra.join(', ')}`); }
    if (f.IsPresent !== undefined && (v !== undefined) !== f.IsPresent) { return undefined; }
    if (f.In && !(v !== undefined && f.In.includes(String(v)))) { return undefined; }
    if (f.NotIn && (v === undefined || f.NotIn.includes(String(v)))) { return undefined; }
    if (f.StartsWith && !(typeof v === 'string' && f.StartsWith.some((s) => v.startsWith(s)))) { return undefined; }
    if (f.EqualTo !== undefined && v !== f.EqualTo) { return undefined; }
    if (f.NotEqualTo !== undefined && (typeof v !== 'number' || v === f.NotEqualTo)) { return undefined; }
    if (f.GreaterThan !== undefined && !(typeof v === 'number' && v > f.GreaterThan)) { return undefined; }
    if (f.LessThan !== undefined && !(typeof v === 'number' && v < f.LessThan)) { return undefined; }
  }
  const keys = (rule.Contribution.Keys as string[]).map(valueAt);
  if (keys.some((k) => k === undefined || k === null || typeof k === 'object')) { return undefined; }
  return keys.map(String);
}
