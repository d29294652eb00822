/** fast-check generators of IAM policy statements over a small pool of real actions and resource patterns. */
import fc from 'fast-check';
import type { Json } from './policy.ts';

export const ACTION_POOL = [
  's3:GetObject',
  's3:PutObject',
  's3:DeleteObject',
  's3:ListBucket',
  's3:Get*',
  's3:*Object',
  's3:*',
  'logs:PutLogEvents',
  'logs:Create*',
  'iam:PassRole',
  'ec2:RunInstances',
  'ec2:*Instances',
  'sqs:SendMessage',
  'secretsmanager:GetSecretValue',
] as const;

export const RESOURCE_POOL = [
  'arn:aws:s3:::assets',
  'arn:aws:s3:::assets/*',
  'arn:aws:s3:::assets/users/*',
  'arn:aws:s3:::assets*',
  'arn:aws:s3:::asset?/*',
  'arn:aws:logs:*:*:*',
  'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/*',
  'arn:aws:sqs:us-east-1:123456789012:jobs',
  'arn:aws:iam::123456789012:role/app-*',
  'arn:aws:ec2:*:*:instance/*',
  'arn:aws:secretsmanager:us-east-1:123456789012:secret:app/*',
  `arn:aws:s3:::assets/\${aws:username}/*`,
  '*',
] as const;

const CONDITION_POOL: readonly Json[] = [
  { Bool: { 'aws:SecureTransport': 'true' } },
  { StringEquals: { 'aws:SourceVpc': ['vpc-1', 'vpc-2'] } },
  { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
];

/** An action pattern in random case, as people write them. */
export const actionArb = fc
  .tuple(fc.constantFrom(...ACTION_POOL), fc.constantFrom('as-is', 'lower', 'upper'))
  .map(([action, style]) =>
    style === 'lower' ? action.toLowerCase() : style === 'upper' ? action.toUpperCase() : action,
  );

export const resourceArb = fc.constantFrom(...RESOURCE_POOL);
export const conditionArb = fc.constantFrom(...CONDITION_POOL);

const oneOrMany = <T>(arb: fc.Arbitrary<T>) =>
  fc.array(arb, { minLength: 1, maxLength: 4 }).map((list) => (list.length === 1 ? (list[0] as T) : list));

export interface StatementShape {
  readonly effect?: 'Allow' | 'Deny';
  readonly negations?: boolean;
  readonly conditions?: boolean;
}

export function statementArb(shape: StatementShape = {}): fc.Arbitrary<Json> {
  return fc
    .record({
      effect: shape.effect ? fc.constant(shape.effect) : fc.constantFrom('Allow', 'Allow', 'Deny'),
      notAction: shape.negations ? fc.boolean() : fc.constant(false),
      notResource: shape.negations ? fc.boolean() : fc.constant(false),
      actions: oneOrMany(actionArb),
      resources: oneOrMany(resourceArb),
      condition: shape.conditions ? fc.option(conditionArb, { nil: undefined }) : fc.constant(undefined),
      sid: fc.option(fc.stringMatching(/^[A-Za-z0-9]{1,8}$/), { nil: undefined }),
    })
    .map((s) => ({
      ...(s.sid ? { Sid: s.sid } : {}),
      Effect: s.effect,
      [s.notAction ? 'NotAction' : 'Action']: s.actions,
      [s.notResource ? 'NotResource' : 'Resource']: s.resources,
      ...(s.condition ? { Condition: s.condition } : {}),
    }));
}

export function documentArb(shape: StatementShape = {}): fc.Arbitrary<Json> {
  return fc
    .array(statementArb(shape), { minLength: 1, maxLength: 5 })
    .chain((statements) =>
      fc.constantFrom(
        { Version: '2012-10-17', Statement: statements },
        { Version: '2012-10-17', Statement: statements.length === 1 ? statements[0] : statements },
      ),
    );
}

/** One piece of a catalogue ARN template: literal text, a `${Name}` placeholder, or the data's `*`. */
type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'name'; readonly name: string; readonly head: boolean }
  | { readonly kind: 'star'; readonly head: boolean };

function templateParts(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let colons = 0;
  for (const piece of template.split(/(\$?\{[^}]*\}|\*)/).filter((p) => p !== '')) {
    const head = colons < 5;
    if (piece === '*') parts.push({ kind: 'star', head });
    else if (/^\$?\{/.test(piece)) parts.push({ kind: 'name', name: piece.replace(/^\$?\{|\}$/g, ''), head });
    else {
      parts.push({ kind: 'text', text: piece });
      colons += [...piece].filter((c) => c === ':').length;
    }
  }
  return parts;
}

/** A value for a placeholder: never empty, never a colon in the first five ARN segments, no `/` in a bucket name. */
function valueArb(part: Exclude<TemplatePart, { kind: 'text' }>): fc.Arbitrary<string> {
  if (part.kind === 'name' && part.name === 'Partition') return fc.constant('aws');
  if (part.head) return fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,11}$/);
  if (part.kind === 'name' && part.name === 'BucketName')
    return fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,11}$/);
  return fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._\-/:+]{0,11}$/);
}

/** A concrete ARN of a catalogue template: every placeholder and `*` filled with a plausible identifier. */
export function concreteArnArb(template: string): fc.Arbitrary<string> {
  const parts = templateParts(template);
  return fc
    .tuple(...parts.map((part) => (part.kind === 'text' ? fc.constant(part.text) : valueArb(part))))
    .map((values) => values.join(''));
}
