import { describe, expect, it } from 'vitest';
import { conditionImplies } from '../../../src/policy/conditions.ts';
import type { NormalizedCondition } from '../../../src/policy/parse.ts';

const c = (value: Record<string, Record<string, string[]>>): NormalizedCondition => value;
const ip = (...cidrs: string[]) => c({ IpAddress: { 'aws:sourceip': cidrs } });

describe('conditionImplies(strong, weak): every request satisfying strong satisfies weak', () => {
  it.each([
    ['no condition is implied by anything', ip('10.0.0.0/8'), null, true],
    ['a condition is not implied by none', null, ip('10.0.0.0/8'), false],
    ['identical', ip('10.0.0.0/8'), ip('10.0.0.0/8'), true],
    ['fewer allowed values is stricter', ip('10.0.0.0/8'), ip('10.0.0.0/8', '192.168.0.0/16'), true],
    ['more allowed values is weaker', ip('10.0.0.0/8', '192.168.0.0/16'), ip('10.0.0.0/8'), false],
    [
      'an extra test is stricter',
      c({ IpAddress: { 'aws:sourceip': ['10.0.0.0/8'] }, Bool: { 'aws:securetransport': ['true'] } }),
      ip('10.0.0.0/8'),
      true,
    ],
    [
      'a different key implies nothing',
      c({ Bool: { 'aws:securetransport': ['true'] } }),
      ip('10.0.0.0/8'),
      false,
    ],
    [
      'more excluded values is stricter',
      c({ StringNotEquals: { 'aws:requestedregion': ['eu-west-1', 'us-east-1'] } }),
      c({ StringNotEquals: { 'aws:requestedregion': ['us-east-1'] } }),
      true,
    ],
    [
      'fewer excluded values is weaker',
      c({ StringNotEquals: { 'aws:requestedregion': ['us-east-1'] } }),
      c({ StringNotEquals: { 'aws:requestedregion': ['eu-west-1', 'us-east-1'] } }),
      false,
    ],
    [
      'StringLike: a narrower pattern is stricter',
      c({ StringLike: { 's3:prefix': ['home/alice/*'] } }),
      c({ StringLike: { 's3:prefix': ['home/*'] } }),
      true,
    ],
    [
      'StringLike: a broader pattern is weaker',
      c({ StringLike: { 's3:prefix': ['home/*'] } }),
      c({ StringLike: { 's3:prefix': ['home/alice/*'] } }),
      false,
    ],
    [
      'IfExists is weaker than the plain operator',
      c({ StringEqualsIfExists: { 'aws:requestedregion': ['eu-west-1'] } }),
      c({ StringEquals: { 'aws:requestedregion': ['eu-west-1'] } }),
      false,
    ],
    [
      'the plain operator implies IfExists',
      c({ StringEquals: { 'aws:requestedregion': ['eu-west-1'] } }),
      c({ StringEqualsIfExists: { 'aws:requestedregion': ['eu-west-1'] } }),
      true,
    ],
    [
      'ForAnyValue vs plain: not comparable',
      c({ 'ForAnyValue:StringEquals': { 'aws:tagkeys': ['a'] } }),
      c({ StringEquals: { 'aws:tagkeys': ['a'] } }),
      false,
    ],
    [
      'numeric comparisons only when identical',
      c({ NumericLessThan: { 's3:max-keys': ['5'] } }),
      c({ NumericLessThan: { 's3:max-keys': ['10'] } }),
      false,
    ],
    [
      'IgnoreCase compares values case-insensitively',
      c({ StringEqualsIgnoreCase: { 'aws:username': ['ALICE'] } }),
      c({ StringEqualsIgnoreCase: { 'aws:username': ['alice'] } }),
      true,
    ],
  ])('%s', (_name, strong, weak, expected) => {
    expect(conditionImplies(strong, weak)).toBe(expected);
  });
});
