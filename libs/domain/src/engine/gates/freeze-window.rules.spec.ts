import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ActiveFreeze,
  type FreezeWindow,
  freezeCovers,
  freezeScheduleErrors,
  freezeVerdict,
  recurringInterval,
} from './freeze-window.rules';

const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

function window(over: Partial<FreezeWindow> = {}): FreezeWindow {
  return { id: 'w1', name: 'xmas', apps: [], environments: [], schedule: { kind: 'absolute', from: 0, to: 10 * H }, reason: 'holidays', overrideRoles: [], ...over };
}
const active = (w: FreezeWindow, until = 10 * H): ActiveFreeze => ({ window: w, from: 0, until });

describe('freezeScheduleErrors', () => {
  it.each([
    [{}, 'cron', 'oneOf'],
    [{ cron: '0 0 * * *', durationSeconds: 3600, from: 1, to: 2 }, 'cron', 'oneOf'],
    [{ cron: '0 0 * * *' }, 'duration', 'required'],
    [{ durationSeconds: 3600 }, 'cron', 'required'],
    [{ cron: '0 0 * * *', durationSeconds: 10 }, 'duration', 'range'],
    [{ cron: '0 0 * * *', durationSeconds: 400 * 86_400 }, 'duration', 'range'],
    [{ from: 1000 }, 'to', 'required'],
    [{ from: Number.NaN, to: 5 }, 'from', 'dateTime'],
    [{ from: 10 * H, to: 5 * H }, 'to', 'after'],
    [{ from: 0, to: 1000 }, 'to', 'range'],
  ])('%j → %s (%s)', (draft, path, rule) => {
    expect(freezeScheduleErrors(draft)).toContainEqual(expect.objectContaining({ path, rule }));
  });

  it('accepts a recurring and an absolute window', () => {
    expect(freezeScheduleErrors({ cron: '0 18 * * 5', durationSeconds: 60 * 3600, timeZone: 'Europe/Berlin' })).toEqual([]);
    expect(freezeScheduleErrors({ from: 0, to: 48 * H })).toEqual([]);
  });
});

describe('recurringInterval', () => {
  it('finds the occurrence containing the instant', () => {
    expect(recurringInterval([0, 24 * H, 48 * H], 2 * H, 25 * H)).toEqual({ from: 24 * H, until: 26 * H });
    expect(recurringInterval([0, 24 * H, 48 * H], 2 * H, 27 * H)).toBeNull();
    expect(recurringInterval([0, 24 * H], 2 * H, 26 * H)).toBeNull();
  });

  it('chains overlapping or touching occurrences into one freeze', () => {
    expect(recurringInterval([2 * H, 0, H], 2 * H, 30 * 60_000)).toEqual({ from: 0, until: 4 * H });
    expect(recurringInterval([0, 2 * H], 2 * H, 3 * H)).toEqual({ from: 0, until: 4 * H });
  });

  it('property: the answer contains the instant and every start inside it chains', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 30 }), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 1200 }), (starts, d, at) => {
        const r = recurringInterval(starts, d, at);
        const covering = starts.some((s) => s <= at && at < s + d);
        expect(r !== null).toBe(covering);
        if (r) {
          expect(r.from <= at && at < r.until).toBe(true);
          for (const s of starts) if (s >= r.from && s < r.until) expect(s + d).toBeLessThanOrEqual(r.until);
        }
      }),
    );
  });
});

describe('freezeVerdict', () => {
  const req = { app: 'shop', environment: 'prod', kind: 'deploy' as const, role: 'deployer' as const, override: null };

  it('refuses a deploy inside a covering window, naming it and when it ends', () => {
    const v = freezeVerdict([active(window())], req, iso);
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.code).toBe('FROZEN');
      expect(v.message).toContain('"xmas" until 1970-01-01T10:00:00.000Z (holidays)');
    }
  });

  it('ignores windows for other apps or environments; rollbacks always pass', () => {
    expect(freezeVerdict([active(window({ apps: ['cart'] }))], req, iso).ok).toBe(true);
    expect(freezeVerdict([active(window({ environments: ['staging'] }))], req, iso).ok).toBe(true);
    expect(freezeVerdict([active(window())], { ...req, kind: 'rollback' }, iso).ok).toBe(true);
    expect(freezeCovers({ apps: ['shop'], environments: ['prod'] }, 'shop', 'prod')).toBe(true);
  });

  it('lets an admin override, and a role only when every blocking window names it', () => {
    const w = window();
    expect(freezeVerdict([active(w)], { ...req, role: 'admin', override: { reason: 'hotfix' } }, iso)).toEqual({ ok: true, overridden: [active(w)] });
    const refused = freezeVerdict([active(w)], { ...req, override: { reason: 'hotfix' } }, iso);
    expect(refused.ok === false && refused.code).toBe('OVERRIDE_FORBIDDEN');
    const named = window({ id: 'w2', name: 'sre', overrideRoles: ['deployer'] });
    expect(freezeVerdict([active(named)], { ...req, override: { reason: 'hotfix' } }, iso).ok).toBe(true);
    expect(freezeVerdict([active(named), active(w)], { ...req, override: { reason: 'hotfix' } }, iso).ok).toBe(false);
  });
});
