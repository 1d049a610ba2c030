import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDns1123Label, isLabelValue } from './k8s-syntax.rules';
import { hookJobName, releaseLabelValue } from './release-names.rules';
import { RELEASE_VERSION } from './release.rules';

const version = fc.stringMatching(RELEASE_VERSION);

describe('release names', () => {
  it('keeps versions that are already valid label values and names', () => {
    expect(releaseLabelValue('1.4.0')).toBe('1.4.0');
    expect(releaseLabelValue('v2_rc-1')).toBe('v2_rc-1');
    expect(hookJobName('checkout', 'v2', 'db-migrate')).toBe('checkout-v2-db-migrate');
  });

  it('makes any version a valid label value and Job name, distinct for distinct versions', () => {
    fc.assert(
      fc.property(version, version, (a, b) => {
        expect(isLabelValue(releaseLabelValue(a))).toBe(true);
        expect(releaseLabelValue(a)).not.toBe('');
        expect(isDns1123Label(hookJobName('checkout', a, 'db-migrate'))).toBe(true);
        if (a !== b) {
          expect(releaseLabelValue(a)).not.toBe(releaseLabelValue(b));
          expect(hookJobName('checkout', a, 'db-migrate')).not.toBe(hookJobName('checkout', b, 'db-migrate'));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('sanitises build metadata, case and length', () => {
    expect(releaseLabelValue('1.0.0+build.7')).toMatch(/^1\.0\.0_build\.7-[0-9a-f]{8}$/);
    expect(hookJobName('checkout', '1.4.0', 'migrate')).toMatch(/^checkout-1-4-0-migrate-[0-9a-f]{8}$/);
    expect(hookJobName('checkout', 'V'.repeat(128), 'migrate')).toHaveLength(63);
  });
});
