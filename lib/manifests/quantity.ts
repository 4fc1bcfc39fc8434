/**
 * Kubernetes resource quantities, parsed the way the API server parses them
 * (k8s.io/apimachinery/pkg/api/resource): a signed decimal number, then an optional suffix that is
 * a binary SI unit (Ki Mi Gi Ti Pi Ei), a decimal SI unit (n u m "" k M G T P E) or a decimal
 * exponent (e3, E-2). No spaces, one number, one suffix.
 */

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

const MULTIPLIERS: Record<string, number> = {
  'Ki': 2 ** 10, 'Mi': 2 ** 20, 'Gi': 2 ** 30, 'Ti': 2 ** 40, 'Pi': 2 ** 50, 'Ei': 2 ** 60,
  'n': 1e-9, 'u': 1e-6, 'm': 1e-3, '': 1, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15, 'E': 1e18,
};

/**
 * The value of a quantity in base units (cores, bytes, counts), or undefined when the string is
 * not a quantity the API server would accept.
 */
export function parseQuantity(text: string): number | undefined {
  const m = QUANTITY.exec(text);
  if (!m) { return undefined; }
  const [, sign, number, suffix = ''] = m;
  const multiplier = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : MULTIPLIERS[suffix];
  const value = Number(number) * multiplier;
  return sign === '-' ? -value : value;
}

/** A non-negative quantity, or undefined. Resource amounts in quotas and limits cannot be negative. */
export function parseNonNegativeQuantity(text: string): number | undefined {
  const value = parseQuantity(text);
  return value === undefined || value < 0 ? undefined : value;
}
