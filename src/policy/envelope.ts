/**
 * Does a policy document grant anything outside a role's baseline envelope? Sound and conservative: an
 * (action, resource) pair is accepted only when some envelope Allow provably covers it and no envelope Deny
 * can touch it. What cannot be decided exactly (NotAction, NotResource) is reported as new access, with why.
 */
import { displayAction } from './catalogue.ts';
import { globCovers, globsIntersect } from './glob.ts';
import type { NormalizedCondition, NormalizedStatement, PolicyDocument } from './parse.ts';

export interface Witness {
  /** The action (or action pattern) newly allowed, in the catalogue's case when it is a known action. */
  readonly action: string;
  readonly resource: string;
  /** The statement of the new document that grants it, e.g. `Statement[1]`. */
  readonly statement: string;
  readonly reason: string;
}

export interface DriftResult {
  readonly newAccess: readonly Witness[];
  /** Statements of the new document that grant nothing new. */
  readonly coveredStatements: readonly string[];
  /** Where the verdict leaned conservative (conditions ignored, undecidable elements). */
  readonly notes: readonly string[];
}

export function conditionKey(condition: NormalizedCondition | null): string {
  return condition === null ? '' : JSON.stringify(condition);
}

function allowCovers(
  envelope: NormalizedStatement,
  statement: NormalizedStatement,
  action: string,
  resource: string,
): boolean {
  if (envelope.effect !== 'Allow' || envelope.actions.negated || envelope.resources.negated) return false;
  // A conditioned envelope grant covers only the identical condition; the new grant's condition can only narrow it.
  if (envelope.condition !== null && conditionKey(envelope.condition) !== conditionKey(statement.condition))
    return false;
  return (
    envelope.actions.patterns.some((pattern) => globCovers(pattern, action, true)) &&
    envelope.resources.patterns.some((pattern) => globCovers(pattern, resource))
  );
}

function denyTouches(deny: NormalizedStatement, action: string, resource: string): boolean {
  if (deny.effect !== 'Deny') return false;
  const actionHit = deny.actions.negated
    ? !deny.actions.patterns.some((pattern) => globCovers(pattern, action, true))
    : deny.actions.patterns.some((pattern) => globsIntersect(pattern, action, true));
  const resourceHit = deny.resources.negated
    ? !deny.resources.patterns.some((pattern) => globCovers(pattern, resource))
    : deny.resources.patterns.some((pattern) => globsIntersect(pattern, resource));
  return actionHit && resourceHit;
}

export function compareToEnvelope(
  doc: PolicyDocument,
  envelope: readonly NormalizedStatement[],
): DriftResult {
  const newAccess: Witness[] = [];
  const coveredStatements: string[] = [];
  const notes: string[] = [];
  const denies = envelope.filter((statement) => statement.effect === 'Deny');
  for (const statement of doc.statements) {
    // A Deny in the new document can only take access away.
    if (statement.effect !== 'Allow') {
      coveredStatements.push(statement.path);
      continue;
    }
    const before = newAccess.length;
    if (statement.actions.negated || statement.resources.negated) {
      const element = statement.actions.negated ? 'NotAction' : 'NotResource';
      newAccess.push({
        action: statement.actions.negated
          ? `NotAction ${statement.actions.patterns.join(',')}`
          : statement.actions.patterns.join(','),
        resource: statement.resources.negated
          ? `NotResource ${statement.resources.patterns.join(',')}`
          : statement.resources.patterns.join(','),
        statement: statement.path,
        reason: `${element} grants everything except what it lists; not decided exactly, reported as drift`,
      });
      continue;
    }
    if (statement.condition !== null) {
      notes.push(
        `${statement.path}: its Condition was ignored (a conditioned grant counts as its unconditioned self)`,
      );
    }
    for (const action of statement.actions.patterns) {
      for (const resource of statement.resources.patterns) {
        const denied = denies.find((deny) => denyTouches(deny, action, resource));
        if (denied) {
          newAccess.push({
            action: displayAction(action),
            resource,
            statement: statement.path,
            reason: `the baseline denies it (${denied.path})`,
          });
        } else if (!envelope.some((allow) => allowCovers(allow, statement, action, resource))) {
          newAccess.push({
            action: displayAction(action),
            resource,
            statement: statement.path,
            reason: 'no baseline statement grants it',
          });
        }
      }
    }
    if (newAccess.length === before) coveredStatements.push(statement.path);
  }
  return { newAccess, coveredStatements, notes };
}
