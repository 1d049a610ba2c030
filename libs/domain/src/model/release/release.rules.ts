// `validateReleaseInput`: the body of POST /v1/apps/:app/releases (and GraphQL createRelease) → a normalised,
// canonical release, or every broken rule with its field path. Pure: the digest's sha256 is computed by the caller.
import type { Validated } from '../errors/domain.errors';
import type { NormalizedRelease, PodSpec, PreDeployHook, ReleaseSpec } from './release.types';
import { isDns1123Label } from './k8s-syntax.rules';
import { readAnnotations, readLabels } from './labels.rules';
import { readJobPodSpec, readPodSpec } from './pod-spec.rules';
import { Issues, at, checkUnique, idx, isAbsent, readArray, readInt, readObject, readString } from './validation.rules';

export const RELEASE_VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;
const COMMIT_SHA = /^[0-9a-fA-F]{7,64}$/;
export const MAX_NOTES_LENGTH = 10_000;
export const DEFAULT_HOOK_BACKOFF_LIMIT = 6;

const RELEASE_FIELDS = ['version', 'image', 'podSpec', 'podLabels', 'podAnnotations', 'hooks', 'notes', 'commitSha'];

export function isReleaseVersion(v: string): boolean {
  return RELEASE_VERSION.test(v);
}

function readHooks(v: unknown, path: string, issues: Issues): PreDeployHook[] {
  const o = readObject(v, path, ['preDeploy'], issues);
  if (!o) return [];
  const listPath = at(path, 'preDeploy');
  const list = readArray(o.preDeploy, listPath, issues) ?? [];
  const hooks = list.map((item, i): PreDeployHook => {
    const p = idx(listPath, i);
    const h = readObject(item, p, ['name', 'podSpec', 'backoffLimit', 'activeDeadlineSeconds'], issues, { required: true });
    if (!h) return { name: '', podSpec: readJobPodSpec({}, p, new Issues()), backoffLimit: DEFAULT_HOOK_BACKOFF_LIMIT };
    const name = readString(h.name, at(p, 'name'), issues, {
      required: true,
      check: { rule: 'dns1123-label', test: isDns1123Label, message: 'must be a DNS-1123 label (lowercase alphanumerics and "-", ≤63)' },
    });
    if (isAbsent(h.podSpec)) issues.add(at(p, 'podSpec'), 'required', 'is required');
    const podSpec = readJobPodSpec(h.podSpec ?? {}, at(p, 'podSpec'), isAbsent(h.podSpec) ? new Issues() : issues);
    const deadline = readInt(h.activeDeadlineSeconds, at(p, 'activeDeadlineSeconds'), issues, { min: 1, max: 86_400 });
    return {
      name: name ?? '',
      podSpec,
      backoffLimit: readInt(h.backoffLimit, at(p, 'backoffLimit'), issues, { min: 0, max: 100 }) ?? DEFAULT_HOOK_BACKOFF_LIMIT,
      ...(deadline !== undefined ? { activeDeadlineSeconds: deadline } : {}),
    };
  });
  checkUnique(
    hooks.map((h, i) => ({ name: h.name || undefined, path: at(idx(listPath, i), 'name') })),
    'hook name',
    issues,
  );
  return hooks;
}

/** The short form `{version, image}`: one container named after the app; errors are reported at `image`. */
function shortFormPod(image: unknown, appName: string, issues: Issues): PodSpec {
  const scratch = new Issues();
  const pod = readPodSpec({ containers: [{ name: appName, image }] }, 'podSpec', scratch);
  for (const e of scratch.errors) issues.add(e.path === 'podSpec.containers[0].image' ? 'image' : e.path, e.rule, e.message);
  return pod;
}

/**
 * Validates and normalises a release body. `appName` names the container of the short form.
 * Every broken rule is listed (never only the first), each with a precise path such as `podSpec.initContainers[1].name`.
 */
export function validateReleaseInput(body: unknown, appName: string): Validated<NormalizedRelease> {
  const issues = new Issues();
  const o = readObject(body, '', RELEASE_FIELDS, issues, { required: true });
  if (!o) return { ok: false, errors: issues.errors };

  const version = readString(o.version, 'version', issues, {
    required: true,
    maxLength: 128,
    check: {
      rule: 'pattern',
      test: isReleaseVersion,
      message: 'must be 1..128 characters of letters, digits, ".", "_", "-" or "+", starting with a letter or digit',
    },
  });

  let podSpec: PodSpec;
  if (!isAbsent(o.image) && !isAbsent(o.podSpec)) {
    issues.add('image', 'one-of', 'set either image (short form) or podSpec (full form), not both');
    podSpec = readPodSpec(o.podSpec, 'podSpec', issues);
  } else if (!isAbsent(o.image)) {
    podSpec = shortFormPod(o.image, appName, issues);
  } else if (!isAbsent(o.podSpec)) {
    podSpec = readPodSpec(o.podSpec, 'podSpec', issues);
  } else {
    issues.add('podSpec', 'required', 'set image (short form) or podSpec (full form)');
    return { ok: false, errors: issues.errors };
  }

  const spec: ReleaseSpec = {
    podSpec,
    podLabels: readLabels(o.podLabels, 'podLabels', issues, { reserved: true }),
    podAnnotations: readAnnotations(o.podAnnotations, 'podAnnotations', issues),
    hooks: { preDeploy: isAbsent(o.hooks) ? [] : readHooks(o.hooks, 'hooks', issues) },
  };
  const notes = readString(o.notes, 'notes', issues, { maxLength: MAX_NOTES_LENGTH });
  const commitSha = readString(o.commitSha, 'commitSha', issues, {
    check: { rule: 'pattern', test: (s) => COMMIT_SHA.test(s), message: 'must be 7..64 hexadecimal characters' },
  });

  if (issues.count) return { ok: false, errors: issues.errors };
  return {
    ok: true,
    value: { version: version ?? '', spec, notes: notes ?? null, commitSha: commitSha ? commitSha.toLowerCase() : null },
  };
}

/** The full-form body that yields `release` again: what clients can send back, and what the round-trip property checks. */
export function toReleaseInput(release: NormalizedRelease): Record<string, unknown> {
  return {
    version: release.version,
    ...release.spec,
    ...(release.notes !== null ? { notes: release.notes } : {}),
    ...(release.commitSha !== null ? { commitSha: release.commitSha } : {}),
  };
}
