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

const LABEL_NAME = /^(?=.{1,63}$)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** A Kubernetes label (or taint) key: an optional DNS-subdomain prefix and '/', then a name. */
export function isLabelKey(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) { return false; }
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  return (prefix === undefined || isDns1123Subdomain(prefix)) && LABEL_NAME.test(name);
}

/** A non-empty Kubernetes label value: 1-63 letters, digits, '-', '_' or '.', alphanumeric at both ends. */
export function isLabelValue(value: string): boolean {
  return LABEL_NAME.test(value);
}

/** A short, stable hex digest of a string, for names and construct ids (not for security). */
export function stableHash(value: string, length: number): string {
  return createHash('sha256').update(value).digest('hex').slice(0, length);
}
