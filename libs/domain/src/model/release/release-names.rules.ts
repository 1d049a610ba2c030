// A release version may hold characters (`+`, `_`, upper case) and a length (up to 128) that Kubernetes names and
// label values refuse. These turn a version into safe, stable names: unchanged when already valid, otherwise a
// sanitised, truncated form plus a short hash of the original, so two versions never share a name.
import { isDns1123Label, isLabelValue } from './k8s-syntax.rules';

/** 32-bit FNV-1a as 8 hex digits: pure and stable, enough to keep sanitised names apart. */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

function trimTo(text: string, max: number, edge: RegExp): string {
  let out = text.slice(0, max);
  while (out.length > 0 && !edge.test(out[out.length - 1] as string)) out = out.slice(0, -1);
  while (out.length > 0 && !edge.test(out[0] as string)) out = out.slice(1);
  return out;
}

/** The `cutover.dev/release` label value for a version (≤63 characters of `[A-Za-z0-9._-]`). */
export function releaseLabelValue(version: string): string {
  if (isLabelValue(version) && version !== '') return version;
  const safe = trimTo(version.replace(/[^A-Za-z0-9._-]/g, '_'), 63 - 9, /[A-Za-z0-9]/);
  return safe ? `${safe}-${shortHash(version)}` : shortHash(version);
}

/** A DNS-1123 label made of `parts` joined by "-", e.g. a hook Job `<app>-<version>-<hook>` (≤63). */
export function dnsLabelName(...parts: string[]): string {
  const joined = parts.join('-');
  if (isDns1123Label(joined)) return joined;
  const safe = trimTo(
    joined
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-')
      .replace(/-+/g, '-'),
    63 - 9,
    /[a-z0-9]/,
  );
  return safe ? `${safe}-${shortHash(joined)}` : `r${shortHash(joined)}`;
}

/** The Job that runs a release's pre-deploy hook. */
export function hookJobName(app: string, version: string, hook: string): string {
  return dnsLabelName(app, version, hook);
}
