/**
 * Actions that let a principal raise its own privileges. Sources: Rhino Security Labs' "AWS IAM Privilege
 * Escalation – Methods and Mitigations" and the escalation checks of Cloudsplaining and PMapper.
 */
import { globMatch } from './glob.ts';
import type { NormalizedStatement } from './parse.ts';

export interface EscalationAction {
  readonly action: string;
  readonly why: string;
  /** Only dangerous on broad resources (a wildcard in the resource). */
  readonly broadResourceOnly?: boolean;
}

export const ESCALATION_ACTIONS: readonly EscalationAction[] = [
  {
    action: 'iam:PassRole',
    why: 'hands a role to a service the holder controls (EC2, Lambda, Glue, CloudFormation), which then acts with that role',
  },
  { action: 'iam:PutRolePolicy', why: 'writes any inline permission onto a role, including its own' },
  {
    action: 'iam:AttachRolePolicy',
    why: 'attaches any managed policy, AdministratorAccess included, to a role',
  },
  { action: 'iam:CreateAccessKey', why: 'mints long-lived keys for other users and acts as them' },
  {
    action: 'iam:CreatePolicyVersion',
    why: 'rewrites a managed policy and makes the new version the default',
  },
  {
    action: 'iam:UpdateAssumeRolePolicy',
    why: 'changes who may assume a role, so the holder can assume a stronger one',
  },
  {
    action: 'sts:AssumeRole',
    why: 'assumes any role whose trust policy allows the account',
    broadResourceOnly: true,
  },
];

export interface EscalationHit {
  readonly action: string;
  readonly why: string;
  readonly statement: string;
  readonly resources: readonly string[];
}

function allowsAction(statement: NormalizedStatement, action: string): boolean {
  const listed = statement.actions.patterns.some((pattern) => globMatch(pattern, action, true));
  return statement.actions.negated ? !listed : listed;
}

function isBroad(statement: NormalizedStatement): boolean {
  return (
    statement.resources.negated || statement.resources.patterns.some((resource) => resource.includes('*'))
  );
}

export function escalationsIn(statements: readonly NormalizedStatement[]): EscalationHit[] {
  const hits: EscalationHit[] = [];
  for (const statement of statements) {
    if (statement.effect !== 'Allow') continue;
    for (const entry of ESCALATION_ACTIONS) {
      if (!allowsAction(statement, entry.action)) continue;
      if (entry.broadResourceOnly && !isBroad(statement)) continue;
      hits.push({
        action: entry.action,
        why: entry.why,
        statement: statement.path,
        resources: statement.resources.patterns,
      });
    }
  }
  return hits;
}
