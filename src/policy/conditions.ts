/**
 * When does one Condition block imply another? Used to decide whether a conditioned baseline Allow covers a
 * grant: it does only when the grant's own condition is identical or stricter. The test is sound (it never
 * answers yes when some request satisfies the first block and not the second) and deliberately simple: same
 * operator and key, with a subset of values for operators that accept any of their values, a superset for the
 * negated ones, identical values for everything else (numeric and date comparisons, Null).
 */
import { globCovers } from './glob.ts';
import type { NormalizedCondition } from './parse.ts';

/** Operators that hold when the request value equals (or matches) any one of the listed values. */
const ANY_OF = new Set([
  'StringEquals',
  'StringEqualsIgnoreCase',
  'StringLike',
  'ArnEquals',
  'ArnLike',
  'NumericEquals',
  'DateEquals',
  'BinaryEquals',
  'IpAddress',
  'Bool',
]);

/** Operators that hold when the request value matches none of the listed values. */
const NONE_OF = new Set([
  'StringNotEquals',
  'StringNotEqualsIgnoreCase',
  'StringNotLike',
  'ArnNotEquals',
  'ArnNotLike',
  'NumericNotEquals',
  'DateNotEquals',
  'NotIpAddress',
]);

interface Operator {
  readonly qualifier: string;
  readonly base: string;
  readonly ifExists: boolean;
}

function parseOperator(operator: string): Operator {
  const colon = operator.indexOf(':');
  const qualifier = colon === -1 ? '' : operator.slice(0, colon);
  let base = colon === -1 ? operator : operator.slice(colon + 1);
  const ifExists = base.endsWith('IfExists');
  if (ifExists) base = base.slice(0, -'IfExists'.length);
  return { qualifier, base, ifExists };
}

function valueCovered(base: string, outer: string, inner: string): boolean {
  if (base.endsWith('IgnoreCase')) return outer.toLowerCase() === inner.toLowerCase();
  if (base === 'StringLike' || base === 'ArnLike' || base === 'StringNotLike' || base === 'ArnNotLike') {
    return globCovers(outer, inner);
  }
  return outer === inner;
}

/** Does the single test `strong` (operator, values) imply `weak` for the same key? */
function testImplies(
  strongOp: Operator,
  strongValues: readonly string[],
  weakOp: Operator,
  weakValues: readonly string[],
): boolean {
  if (strongOp.qualifier !== weakOp.qualifier || strongOp.base !== weakOp.base) return false;
  // `…IfExists` also holds when the key is absent: it is weaker than the plain operator, never stronger.
  if (strongOp.ifExists && !weakOp.ifExists) return false;
  const base = strongOp.base;
  if (ANY_OF.has(base)) {
    return strongValues.every((value) => weakValues.some((allowed) => valueCovered(base, allowed, value)));
  }
  if (NONE_OF.has(base)) {
    return weakValues.every((value) => strongValues.some((excluded) => valueCovered(base, excluded, value)));
  }
  return (
    strongValues.length === weakValues.length && strongValues.every((value, i) => value === weakValues[i])
  );
}

/**
 * Whether every request satisfying `strong` satisfies `weak`. No condition is always satisfied; the blocks
 * are conjunctions, so each test of `weak` must be implied by some test of `strong` on the same key.
 */
export function conditionImplies(
  strong: NormalizedCondition | null,
  weak: NormalizedCondition | null,
): boolean {
  if (weak === null) return true;
  if (strong === null) return false;
  for (const [weakOperator, weakKeys] of Object.entries(weak)) {
    const weakOp = parseOperator(weakOperator);
    for (const [key, weakValues] of Object.entries(weakKeys)) {
      const implied = Object.entries(strong).some(([strongOperator, strongKeys]) => {
        const strongValues = strongKeys[key];
        return (
          strongValues !== undefined &&
          testImplies(parseOperator(strongOperator), strongValues, weakOp, weakValues)
        );
      });
      if (!implied) return false;
    }
  }
  return true;
}

export function conditionKey(condition: NormalizedCondition | null): string {
  return condition === null ? '' : JSON.stringify(condition);
}
