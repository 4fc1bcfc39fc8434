/** IPv4 CIDR helpers. */

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Network address and prefix of an IPv4 CIDR, or undefined when it is not one. */
export function parseIpv4Cidr(cidr: string): { network: number; prefix: number; address: number } | undefined {
  const m = IPV4_CIDR.exec(cidr);
  if (!m) { return undefined; }
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) { return undefined; }
  const address = ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3];
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { network: (address & mask) >>> 0, prefix, address };
}

/** An IPv4 address, as a 32-bit number, in dotted form. */
export function formatIpv4(address: number): string {
  return [address >>> 24, (address >>> 16) & 255, (address >>> 8) & 255, address & 255].join('.');
}

/** The canonical form of an IPv4 CIDR (host bits cleared), or undefined when it is not one. */
export function canonicalIpv4Cidr(cidr: string): string | undefined {
  const parsed = parseIpv4Cidr(cidr);
  if (!parsed) { return undefined; }
  return `${formatIpv4(parsed.network)}/${parsed.prefix}`;
}

/** Whether an IPv4 CIDR contains an IPv4 address. */
export function cidrContains(cidr: string, ip: string): boolean {
  const range = parseIpv4Cidr(cidr);
  const host = parseIpv4Cidr(`${ip}/32`);
  if (!range || !host) { return false; }
  const mask = range.prefix === 0 ? 0 : (0xffffffff << (32 - range.prefix)) >>> 0;
  return ((host.address & mask) >>> 0) === range.network;
}
