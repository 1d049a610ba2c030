// Kubernetes' own syntax rules (k8s.io/apimachinery/pkg/util/validation), so a release we accept is one the API
// server accepts too. Exported: apps and environments use the same name rules.

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;

// The container image reference grammar of distribution/reference (what registries and the kubelet parse):
// [host[:port]/]component(/component)*[:tag][@algorithm:hex]. Path components are lowercase and cannot be "." or
// "..", so no traversal and no control characters get through.
const IMAGE_HOST = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?';
const IMAGE_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const IMAGE_REFERENCE = new RegExp(
  `^(?:${IMAGE_HOST}/)?${IMAGE_COMPONENT}(?:/${IMAGE_COMPONENT})*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$`,
);
/** Longest image reference accepted (the repository name alone may be 255 characters in distribution/reference). */
export const MAX_IMAGE_LENGTH = 512;

/** A container image reference such as `registry.example.com:5000/team/app:1.4.0` or `app@sha256:<hex>`. */
export function isImageReference(s: string): boolean {
  return s.length > 0 && s.length <= MAX_IMAGE_LENGTH && IMAGE_REFERENCE.test(s);
}

/** Container, volume, port-less object names: lowercase alphanumerics and '-', ≤63. */
export function isDns1123Label(s: string): boolean {
  return s.length <= 63 && DNS1123_LABEL.test(s);
}

/** ConfigMap, Secret, ServiceAccount names: dot-separated DNS-1123 labels, ≤253. */
export function isDns1123Subdomain(s: string): boolean {
  return s.length > 0 && s.length <= 253 && s.split('.').every((part) => DNS1123_LABEL.test(part));
}

/** Label and annotation keys: `[prefix/]name`, prefix a DNS subdomain, name ≤63. */
export function isQualifiedName(s: string): boolean {
  const parts = s.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1];
  if (parts.length === 2 && !isDns1123Subdomain(parts[0])) return false;
  return name.length > 0 && name.length <= 63 && QUALIFIED_NAME_PART.test(name);
}

export function isLabelValue(s: string): boolean {
  return s === '' || (s.length <= 63 && QUALIFIED_NAME_PART.test(s));
}

/** Port names: ≤15, lowercase alphanumerics and '-', at least one letter, no '--'. */
export function isIanaSvcName(s: string): boolean {
  return s.length <= 15 && IANA_SVC_NAME.test(s) && !s.includes('--') && /[a-z]/.test(s);
}

export function isEnvVarName(s: string): boolean {
  return ENV_VAR_NAME.test(s);
}

export function isConfigMapKey(s: string): boolean {
  return s.length <= 253 && CONFIG_MAP_KEY.test(s) && s !== '.' && s !== '..';
}

export function isAbsolutePath(s: string): boolean {
  return s.startsWith('/');
}

/** Relative, without a `..` segment: sub-paths and projected file paths may not escape their volume. */
export function isSafeRelativePath(s: string): boolean {
  return s.length > 0 && !s.startsWith('/') && !s.split('/').includes('..');
}
