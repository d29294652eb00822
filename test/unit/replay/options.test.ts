import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.ts';
import { checkRange, parseTimeBound, selectRuleIds } from '../../../src/replay/options.ts';
import { RULES } from '../../../src/rules/index.ts';

const NOW = Date.parse('2026-06-15T12:00:00Z');

describe('parseTimeBound', () => {
  it.each([
    ['2026-01-01', '2026-01-01T00:00:00.000Z'],
    ['2026-01-01T12:30:00Z', '2026-01-01T12:30:00.000Z'],
    ['2026-01-01T12:30:00.250+02:00', '2026-01-01T10:30:00.250Z'],
    ['90d', '2026-03-17T12:00:00.000Z'],
    ['12h', '2026-06-15T00:00:00.000Z'],
    ['30m', '2026-06-15T11:30:00.000Z'],
  ])('%s → %s', (text, iso) => {
    expect(new Date(parseTimeBound('--since', text, NOW)).toISOString()).toBe(iso);
  });

  it.each(['yesterday', '2026-13-01', '2026-01-01T12:00:00', '01/02/2026', '-5d', ''])(
    'rejects %j with one line',
    (text) => {
      expect(() => parseTimeBound('--until', text, NOW)).toThrow(UsageError);
      expect(() => parseTimeBound('--until', text, NOW)).toThrow(
        /^--until: .* is not a time: expected a date/,
      );
    },
  );

  it('never returns NaN', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          expect(Number.isNaN(parseTimeBound('--since', text, NOW))).toBe(false);
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
        }
      }),
    );
  });

  it('requires since before until', () => {
    expect(() => checkRange(NOW, NOW)).toThrow(/is not before --until/);
    expect(() => checkRange(NOW - 1, NOW)).not.toThrow();
    expect(() => checkRange(undefined, NOW)).not.toThrow();
  });
});

describe('selectRuleIds', () => {
  it('takes every CloudTrail rule by default, or the ids given (repeated or comma-separated)', () => {
    expect(selectRuleIds([])).toEqual(RULES.map((r) => r.id));
    expect(selectRuleIds(['iam.policy.drift,iam.user.unexpected', 'iam.policy.drift'])).toEqual([
      'iam.policy.drift',
      'iam.user.unexpected',
    ]);
  });

  it('lists the known ids when one is unknown or is a sweep rule', () => {
    expect(() => selectRuleIds(['iam.polcy.drift'])).toThrow(
      `--rule iam.polcy.drift: unknown rule id; known ids: ${RULES.map((r) => r.id).join(', ')}`,
    );
    expect(() => selectRuleIds(['iam.user.orphaned'])).toThrow(
      /a scheduled-sweep rule, not evaluated on CloudTrail events; known ids: iam\.user\.ephemeral/,
    );
  });
});
