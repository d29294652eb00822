import { describe, expect, it } from 'vitest';
import { actionCatalogue, expandActionPattern } from '../../../src/policy/catalogue.ts';
import type { Json } from '../../helpers/policy.ts';
import { docOf, drift, envelopeOf, witnessLines } from '../../helpers/policy.ts';

const bucket = 'arn:aws:s3:::short-drama-assets';
const objects = `${bucket}/*`;
const s3Rw = ['s3:PutObject', 's3:GetObject', 's3:DeleteObject', 's3:ListBucket'];
const seed000 = envelopeOf({ Effect: 'Allow', Action: s3Rw, Resource: [bucket, objects] });
const kdcube = envelopeOf(
  {
    Sid: 'BucketLevel',
    Effect: 'Allow',
    Action: ['s3:ListBucket', 's3:GetBucketLocation'],
    Resource: 'arn:aws:s3:::kdcube-storage',
  },
  {
    Sid: 'ObjectLevel',
    Effect: 'Allow',
    Action: ['s3:GetObject', 's3:PutObject'],
    Resource: 'arn:aws:s3:::kdcube-storage/*',
  },
);
const aimodelshare = envelopeOf(
  {
    Effect: 'Allow',
    Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket'],
    Resource: ['arn:aws:s3:::aimodelshare*', 'arn:aws:s3:::aimodelshare*/*'],
  },
  {
    Effect: 'Allow',
    Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
    Resource: 'arn:aws:logs:*:*:*',
  },
);
const names = (pattern: string): string[] => {
  const expansion = expandActionPattern(pattern);
  return expansion.kind === 'known' ? expansion.actions.map((a) => a.name) : [];
};

describe('no drift for documents that grant nothing new', () => {
  const same = { Effect: 'Allow', Action: s3Rw, Resource: [bucket, objects] };
  it.each<[string, Json, ReturnType<typeof envelopeOf>]>([
    ['the envelope itself', { Version: '2012-10-17', Statement: [same] }, seed000],
    ['a Statement object instead of an array', { Version: '2012-10-17', Statement: same }, seed000],
    [
      'statements reordered and split',
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:ListBucket', Resource: bucket },
          { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: objects },
        ],
      },
      seed000,
    ],
    [
      'duplicates',
      {
        Version: '2012-10-17',
        Statement: [
          same,
          same,
          { Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObject'], Resource: [objects, objects] },
        ],
      },
      seed000,
    ],
    [
      'strings instead of lists',
      { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: objects } },
      seed000,
    ],
    [
      'action names in any case',
      {
        Version: '2012-10-17',
        Statement: {
          Effect: 'Allow',
          Action: ['S3:GETOBJECT', 's3:listbucket'],
          Resource: [bucket, objects],
        },
      },
      seed000,
    ],
    ['a Sid added or changed', { Version: '2012-10-17', Statement: { Sid: 'Whatever', ...same } }, seed000],
    [
      'an extra Deny',
      {
        Version: '2012-10-17',
        Statement: [
          same,
          {
            Effect: 'Deny',
            Action: '*',
            Resource: '*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      },
      seed000,
    ],
    [
      'narrower resources',
      {
        Version: '2012-10-17',
        Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: `${bucket}/users/alice/*` },
      },
      seed000,
    ],
    [
      'fewer actions',
      { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: objects } },
      seed000,
    ],
    [
      'bucket and object statements merged (each action only reaches its own resource type)',
      {
        Version: '2012-10-17',
        Statement: {
          Effect: 'Allow',
          Action: ['s3:ListBucket', 's3:GetObject', 's3:PutObject'],
          Resource: ['arn:aws:s3:::kdcube-storage', 'arn:aws:s3:::kdcube-storage/*'],
        },
      },
      kdcube,
    ],
    [
      'an action on a resource type it never applies to grants nothing',
      {
        Version: '2012-10-17',
        Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::kdcube-storage' },
      },
      kdcube,
    ],
    [
      'an envelope wildcard inside a bucket name',
      {
        Version: '2012-10-17',
        Statement: {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:ListBucket'],
          Resource: ['arn:aws:s3:::aimodelshare-models', 'arn:aws:s3:::aimodelshare-models/v1/*'],
        },
      },
      aimodelshare,
    ],
    [
      'Resource * on actions that only reach log groups',
      {
        Version: '2012-10-17',
        Statement: {
          Effect: 'Allow',
          Action: ['logs:CreateLogGroup', 'logs:CreateLogStream'],
          Resource: '*',
        },
      },
      aimodelshare,
    ],
    [
      'a log-stream ARN under arn:aws:logs:*:*:* (the resource segment * spans colons)',
      {
        Version: '2012-10-17',
        Statement: {
          Effect: 'Allow',
          Action: 'logs:PutLogEvents',
          Resource: 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/x:log-stream:*',
        },
      },
      aimodelshare,
    ],
    [
      'a conditioned grant inside an unconditioned one',
      {
        Version: '2012-10-17',
        Statement: { ...same, Condition: { Bool: { 'aws:SecureTransport': 'true' } } },
      },
      seed000,
    ],
    [
      'a wildcard naming exactly the actions the envelope lists',
      {
        Version: '2012-10-17',
        Statement: { Effect: 'Allow', Action: 's3:GetObjectVersion*', Resource: objects },
      },
      envelopeOf({ Effect: 'Allow', Action: names('s3:GetObjectVersion*'), Resource: objects }),
    ],
    [
      'a union of envelope resources covering a wildcard no single one covers',
      {
        Version: '2012-10-17',
        Statement: { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::logs*' },
      },
      envelopeOf({
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: ['arn:aws:s3:::logs', 'arn:aws:s3:::logs?*'],
      }),
    ],
    [
      'NotAction inside an Allow * with a Deny',
      {
        Version: '2012-10-17',
        Statement: { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' },
      },
      envelopeOf(
        { Effect: 'Allow', Action: '*', Resource: '*' },
        { Effect: 'Deny', Action: 'iam:*', Resource: '*' },
      ),
    ],
    [
      'its own Deny takes away what the envelope lacks',
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:Get*', Resource: objects },
          { Effect: 'Deny', NotAction: 's3:GetObject', Resource: '*' },
        ],
      },
      seed000,
    ],
    [
      'a policy variable under a * that spans it',
      {
        Version: '2012-10-17',
        Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: `${bucket}/home/\${aws:username}/*` },
      },
      seed000,
    ],
    [
      'the same policy variable at the same place',
      {
        Version: '2012-10-17',
        Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: `${bucket}/home/\${aws:username}/*` },
      },
      envelopeOf({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${bucket}/home/\${aws:username}/*` }),
    ],
    [
      'a baseline Deny repeated in the document',
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:*', Resource: objects },
          {
            Effect: 'Deny',
            Action: 's3:DeleteObject',
            Resource: `${bucket}/\${aws:username}/*`,
            Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } },
          },
        ],
      },
      envelopeOf(
        { Effect: 'Allow', Action: 's3:*', Resource: objects },
        {
          Effect: 'Deny',
          Action: 's3:DeleteObject',
          Resource: `${bucket}/\${aws:username}/*`,
          Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } },
        },
      ),
    ],
    [
      'region and account wildcards within their segments',
      {
        Version: '2012-10-17',
        Statement: {
          Effect: 'Allow',
          Action: 'ec2:StartInstances',
          Resource: 'arn:aws:ec2:us-east-1:123456789012:instance/i-0abc',
        },
      },
      envelopeOf({
        Effect: 'Allow',
        Action: 'ec2:StartInstances',
        Resource: 'arn:aws:ec2:us-*:*:instance/*',
      }),
    ],
  ])('%s', (_name, doc, envelope) => {
    const result = drift(doc, envelope);
    expect(witnessLines(result)).toEqual([]);
    expect(result.coveredStatements.length).toBeGreaterThan(0);
  });
});

describe('drift, with one witness per new action and resource pattern', () => {
  it.each<[string, Json[], ReturnType<typeof envelopeOf>, string[]]>([
    [
      'an action added',
      [{ Effect: 'Allow', Action: 's3:PutBucketPolicy', Resource: bucket }],
      seed000,
      [`s3:PutBucketPolicy on ${bucket}`],
    ],
    [
      'object access where the envelope has only the bucket',
      [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::kdcube-storage-backup/*' }],
      kdcube,
      ['s3:GetObject on arn:aws:s3:::kdcube-storage-backup/*'],
    ],
    [
      'a bucket wildcard reaching other buckets',
      [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: `${bucket}*` }],
      seed000,
      [`s3:ListBucket on ${bucket}*`],
    ],
    [
      '? in a bucket name',
      [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::short-drama-asset?/*' }],
      seed000,
      ['s3:GetObject on arn:aws:s3:::short-drama-asset?/*'],
    ],
    [
      'only the new pattern of a statement is a witness',
      [{ Effect: 'Allow', Action: 's3:GetObject', Resource: [objects, 'arn:aws:s3:::other/*'] }],
      seed000,
      ['s3:GetObject on arn:aws:s3:::other/*'],
    ],
    [
      'a covered pattern under a new one is not repeated',
      [{ Effect: 'Allow', Action: 's3:GetObject', Resource: [objects, 'arn:aws:s3:::*'] }],
      seed000,
      ['s3:GetObject on arn:aws:s3:::*'],
    ],
    [
      'wildcard actions expanded against the catalogue',
      [{ Effect: 'Allow', Action: 's3:GetObjectVersion*', Resource: objects }],
      envelopeOf({
        Effect: 'Allow',
        Action: names('s3:GetObjectVersion*').filter((n) => n !== 's3:GetObjectVersionTorrent'),
        Resource: objects,
      }),
      [`s3:GetObjectVersionTorrent on ${objects}`],
    ],
    [
      'NotResource',
      [{ Effect: 'Allow', Action: 's3:GetObject', NotResource: objects }],
      seed000,
      [`s3:GetObject on NotResource ${objects}`],
    ],
    [
      'a region wildcard wider than the envelope',
      [{ Effect: 'Allow', Action: 'ec2:StartInstances', Resource: 'arn:aws:ec2:*:123456789012:instance/*' }],
      envelopeOf({
        Effect: 'Allow',
        Action: 'ec2:StartInstances',
        Resource: 'arn:aws:ec2:us-*:*:instance/*',
      }),
      ['ec2:StartInstances on arn:aws:ec2:*:123456789012:instance/*'],
    ],
    [
      'a policy variable where the envelope names one user',
      [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `${bucket}/home/\${aws:username}/*` }],
      envelopeOf({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${bucket}/home/alice/*` }),
      [`s3:GetObject on ${bucket}/home/\${aws:username}/*`],
    ],
    [
      'an unknown action, reported as such',
      [{ Effect: 'Allow', Action: 's3:GetObjekt', Resource: objects }],
      seed000,
      [`s3:getobjekt on ${objects}`],
    ],
  ])('%s', (_name, statements, envelope, expected) => {
    expect(witnessLines(drift(docOf(...statements), envelope))).toEqual(expected);
  });

  it('names the statement that grants it, and an example resource for a wildcard', () => {
    const result = drift(
      docOf(
        { Effect: 'Allow', Action: s3Rw, Resource: [bucket, objects] },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::short-drama-*/*' },
      ),
      seed000,
    );
    expect(result.newAccess).toEqual([
      expect.objectContaining({
        action: 's3:GetObject',
        kind: 'action',
        statement: 'Statement[1]',
        example: 'arn:aws:s3:::short-drama-x/x',
        reason: 'the baseline allows this action only on other resources',
      }),
    ]);
    expect(result.coveredStatements).toEqual(['Statement[0]']);
  });

  it('expands s3:* on * to every S3 action, in the catalogue case', () => {
    const result = drift(docOf({ Effect: 'Allow', Action: 's3:*', Resource: '*' }), seed000);
    expect(result.newAccess.length).toBe(names('s3:*').length);
    expect(result.newAccess.map((w) => w.action)).toContain('s3:PutBucketPolicy');
  });

  it('expands * to every action of every service, except what the envelope covers', () => {
    const result = drift(docOf({ Effect: 'Allow', Action: '*', Resource: '*' }), aimodelshare);
    const logs = ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'];
    expect(result.newAccess.length).toBe(names('*').length - logs.length);
    expect(result.newAccess.map((w) => w.action)).not.toContain('logs:PutLogEvents');
  });

  it('handles NotAction exactly against the catalogue', () => {
    const envelope = envelopeOf(
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Effect: 'Deny', Action: 'iam:*', Resource: '*' },
    );
    const result = drift(docOf({ Effect: 'Allow', NotAction: 's3:*', Resource: '*' }), envelope);
    expect(new Set(result.newAccess.map((w) => w.action))).toEqual(new Set(names('iam:*')));
    expect(result.newAccess[0]?.reason).toBe('the baseline denies it (roles.test.permissions[1])');
    expect(result.notes.join(' ')).toMatch(/NotAction was compared against the \d+ actions/);
  });

  it('subtracts baseline Denies, with the denied resource as example', () => {
    const envelope = envelopeOf(
      { Effect: 'Allow', Action: 's3:*', Resource: objects },
      { Effect: 'Deny', Action: 's3:DeleteObject', Resource: `${bucket}/protected/*` },
    );
    const result = drift(docOf({ Effect: 'Allow', Action: 's3:DeleteObject', Resource: objects }), envelope);
    expect(result.newAccess).toEqual([
      expect.objectContaining({
        action: 's3:DeleteObject',
        reason: 'the baseline denies it (roles.test.permissions[1])',
        example: `${bucket}/protected/`,
      }),
    ]);
    expect(
      witnessLines(
        drift(
          docOf({ Effect: 'Allow', Action: 's3:DeleteObject', Resource: `${bucket}/public/*` }),
          envelope,
        ),
      ),
    ).toEqual([]);
  });

  it('reports unknown actions, never drops them, and says when a baseline pattern covers one', () => {
    const unknown = drift(
      docOf({ Effect: 'Allow', Action: ['s3:GetObjekt', 's3:GetObject'], Resource: objects }),
      seed000,
    );
    expect(unknown.unknownActions).toEqual(['s3:getobjekt']);
    expect(unknown.newAccess[0]).toMatchObject({
      kind: 'unknown-action',
      reason: expect.stringMatching(/^not an action of the IAM catalogue/),
    });
    const covered = drift(
      docOf({ Effect: 'Allow', Action: 's3:GetObjekt', Resource: objects }),
      envelopeOf({ Effect: 'Allow', Action: 's3:Get*', Resource: objects }),
    );
    expect(covered.newAccess).toEqual([]);
    expect(covered.unknownActions).toEqual(['s3:getobjekt']);
    expect(covered.notes.join(' ')).toMatch(
      /s3:getobjekt is not an action of the IAM catalogue .* a baseline pattern covers it/,
    );
  });
});

describe('conditions are sound, and the finding says when they made it conservative', () => {
  const secure = { Bool: { 'aws:SecureTransport': 'true' } };
  const fromVpc = { StringEquals: { 'aws:SourceVpc': ['vpc-1', 'vpc-2'] } };
  it('a conditioned envelope Allow covers the same or a stricter condition only', () => {
    const envelope = envelopeOf({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: objects,
      Condition: fromVpc,
    });
    const grant = (condition?: Json) =>
      docOf({
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: objects,
        ...(condition ? { Condition: condition } : {}),
      });
    expect(witnessLines(drift(grant(fromVpc), envelope))).toEqual([]);
    expect(witnessLines(drift(grant({ StringEquals: { 'aws:SourceVpc': 'vpc-1' } }), envelope))).toEqual([]);
    const loose = drift(grant(), envelope);
    expect(loose.newAccess).toEqual([
      expect.objectContaining({
        reason: 'the baseline allows this action only under a Condition',
        conservative: expect.stringContaining(
          'roles.test.permissions[0] would cover it, but only under a Condition',
        ),
      }),
    ]);
    expect(witnessLines(drift(grant(secure), envelope))).toEqual([`s3:GetObject on ${objects}`]);
  });

  it('a conditioned grant that goes beyond the envelope counts as its unconditioned self, and says so', () => {
    const result = drift(
      docOf({ Effect: 'Allow', Action: 's3:PutBucketPolicy', Resource: bucket, Condition: secure }),
      seed000,
    );
    expect(result.newAccess[0]?.conservative).toBe(
      'Statement[0] has a Condition; it was counted as granting everything it lists',
    );
  });

  it('a conditioned baseline Deny counts as always applying, and says so', () => {
    const envelope = envelopeOf(
      { Effect: 'Allow', Action: 's3:*', Resource: objects },
      {
        Effect: 'Deny',
        Action: 's3:DeleteObject',
        Resource: '*',
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } },
      },
    );
    const result = drift(docOf({ Effect: 'Allow', Action: 's3:DeleteObject', Resource: objects }), envelope);
    expect(result.newAccess[0]?.conservative).toBe(
      'roles.test.permissions[1] denies only under its Condition; it was counted as always applying',
    );
  });
});

describe('policy variables and versions', () => {
  it(`reads \${…} literally without Version 2012-10-17, as IAM does`, () => {
    const envelope = envelopeOf({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: `${bucket}/\${aws:username}/*`,
    });
    const result = drift(
      { Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: `${bucket}/\${aws:username}/*` } },
      envelope,
    );
    expect(witnessLines(result)).toEqual([`s3:GetObject on ${bucket}/\${aws:username}/*`]);
    expect(result.notes.join(' ')).toMatch(/read literally/);
  });

  it('explains how variables were treated', () => {
    const result = drift(
      docOf({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${bucket}/\${aws:username}/*` }),
      seed000,
    );
    expect(result.notes.join(' ')).toMatch(/policy variables are unknown offline/);
  });
});

describe('partition', () => {
  it('without a partition, Resource * also reaches other partitions', () => {
    const doc = docOf({ Effect: 'Allow', Action: 'logs:CreateLogGroup', Resource: '*' });
    expect(witnessLines(drift(doc, aimodelshare, {}))).toEqual(['logs:CreateLogGroup on *']);
    expect(witnessLines(drift(doc, aimodelshare, { partition: 'aws' }))).toEqual([]);
  });
});

describe('grants: new access as the engine groups it', () => {
  it('hold every witness once, in order, and count them', () => {
    const result = drift(
      docOf(
        { Effect: 'Allow', Action: ['s3:Get*', 'sqs:SendMessage'], Resource: '*' },
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: '*' },
      ),
      envelopeOf({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }),
    );
    const expanded = result.grants.flatMap((g) => g.actions.map((action) => `${g.statement} ${action}`));
    expect(result.newAccess.map((w) => `${w.statement} ${w.action}`)).toEqual(expanded);
    expect(result.newAccessCount).toBe(result.newAccess.length);
    expect(new Set(expanded.map((line) => line.split(' ')[1])).size).toBe(expanded.length);
    // s3:GetObject is new on `*` (other buckets) and reported at Statement[0]; only s3:PutObject is new at [1].
    expect(expanded.filter((line) => line.startsWith('Statement[1]'))).toEqual(['Statement[1] s3:PutObject']);
    expect(result.grants.every((g) => g.actions.length > 0)).toBe(true);
  });

  it('Action "*" is one grant per group of actions, not one object per action', () => {
    const result = drift(
      docOf({ Effect: 'Allow', Action: '*', Resource: '*' }),
      envelopeOf({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:*:*:q' }),
    );
    expect(result.newAccessCount).toBe(actionCatalogue().actions.length);
    expect(result.grants.length).toBeLessThan(result.newAccessCount / 5);
  });
});
