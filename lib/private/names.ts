import { createHash } from 'crypto';

/** Naming helpers: Kubernetes name rules, as the API server applies them, and stable short hashes. */

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A DNS-1123 label: namespaces. At most 63 characters. */
export function isDns1123Label(value: string): boolean {
  return value.length <= 63 && DNS_1123_LABEL.test(value);
}

/** A DNS-1123 subdomain: most object names (service accounts, roles). At most 253 characters. */
export function isDns1123Subdomain(value: string): boolean {
  return value.length <= 253 && DNS_1123_SUBDOMAIN.test(value);
}

/** A short, stable hex digest of a string, for names and construct ids (not for security). */
export function stableHash(value: string, length: number): string {
  return createHash('sha256').update(value).digest('hex').slice(0, length);
}
