/** Seconds of a Karpenter duration (`504h`, `1h30m`, `90s`), or undefined when it is not one. */
export function durationSeconds(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^([0-9]+(s|m|h))+$/.test(value)) { return undefined; }
  const unit: Record<string, number> = { s: 1, m: 60, h: 3600 };
  return [...value.matchAll(/([0-9]+)(s|m|h)/g)].reduce((total, [, n, u]) => total + Number(n) * unit[u], 0);
}
