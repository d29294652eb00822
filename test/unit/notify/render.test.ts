import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/core/types.ts';
import { markdownToPlain } from '../../../src/notify/markdown.ts';
import { renderDigest, renderEvent, SNS_MAX_BYTES, snsMessage, snsSize } from '../../../src/notify/render.ts';
import { SEED_POLICIES } from '../../cases/seeds.ts';
import { EPHEMERAL_USER, findingsFor, onlyFinding } from '../../helpers/findings.ts';
import { createAccessKey, createUser, identities, modifyImds, putRolePolicy } from '../../helpers/records.ts';

const ephemeral = onlyFinding(
  createUser(EPHEMERAL_USER, { userIdentity: identities.aimodelshareAutomation }),
);
const imds = onlyFinding(
  modifyImds(
    'i-1234567890abcdef0',
    { HttpTokens: 'optional' },
    { httpTokens: 'optional', httpPutResponseHopLimit: 1, httpEndpoint: 'enabled' },
  ),
);
const applied: Finding = {
  ...imds,
  remediation: {
    ...(imds.remediation as NonNullable<Finding['remediation']>),
    mode: 'enforce',
    status: 'applied',
    note: 'set i-1234567890abcdef0: HttpTokens optional → required, hop limit 1 → 2',
  } as Finding['remediation'],
};

/**
 * Seed 001's role given PassRole and * on *: one PutRolePolicy, four findings (drift, never-grant, privesc,
 * wildcard: the example baseline never grants anyone iam:PassRole on *).
 */
const passRole = findingsFor(
  putRolePolicy('XploreEC2Role', 'XploreS3Access', {
    Version: '2012-10-17',
    Statement: [
      ...SEED_POLICIES.xplore.Statement,
      { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' },
      { Effect: 'Allow', Action: '*', Resource: '*' },
    ],
  }),
);

describe('one event, one message', () => {
  it('takes the title, why it matters and the next steps from the finding itself', () => {
    const told: Finding = {
      ...ephemeral,
      title: 'A title only this finding has',
      rationale: 'A rationale only this finding has.',
      nextSteps: ['A step only this finding has.'],
    };
    const { chat, email } = renderEvent([told]);
    expect(chat.content.title).toContain('A title only this finding has');
    expect(chat.content.description).toContain('A rationale only this finding has.');
    expect(chat.content.nextSteps).toEqual(['A step only this finding has.']);
    for (const text of [
      'A title only this finding has',
      'A rationale only this finding has.',
      '  - A step only this finding has.',
    ])
      expect(email).toContain(text);
  });

  it('is an AWS Chatbot custom notification in the documented schema', () => {
    const { chat } = renderEvent([applied]);
    expect(chat).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: { textType: 'client-markdown' },
    });
    expect(Object.keys(chat.content).sort()).toEqual([
      'description',
      'keywords',
      'nextSteps',
      'textType',
      'title',
    ]);
    expect(Object.keys(chat.metadata).sort()).toEqual([
      'additionalContext',
      'eventType',
      'relatedResources',
      'summary',
      'threadId',
    ]);
    expect(chat.content.title).toBe(
      ':large_orange_circle: *HIGH* Instance allows IMDSv1: i-1234567890abcdef0',
    );
    expect(chat.content.nextSteps[0]).toMatch(
      /^Unless guardrail did it \(see above\), require IMDSv2: aws ec2 /,
    );
    expect(chat.content.keywords).toEqual(['ec2.imds.v1-allowed', 'high', 'ModifyInstanceMetadataOptions']);
    expect(chat.metadata.relatedResources).toEqual([imds.resource]);
    expect(chat.content.description).toContain(
      '*What guardrail did:* Applied enforce-imdsv2: set i-1234567890abcdef0',
    );
    expect(chat.content.description).toContain(
      '<https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#InstanceDetails:instanceId=i-1234567890abcdef0|EC2 instance>',
    );
    // Events on the same resource thread together; another resource gets its own thread.
    expect(renderEvent([imds]).chat.metadata.threadId).toBe(chat.metadata.threadId);
    expect(renderEvent([ephemeral]).chat.metadata.threadId).not.toBe(chat.metadata.threadId);
  });

  it('puts every finding of the event in one message, worst first, with what happened said once', () => {
    expect(passRole.map((f) => f.ruleId).sort()).toEqual([
      'iam.policy.drift',
      'iam.policy.never-grant',
      'iam.policy.privesc',
      'iam.policy.wildcard',
    ]);
    const rendered = renderEvent(passRole);
    expect(rendered).toMatchObject({ shown: 4, omitted: 0 });
    expect(rendered.subject).toBe(
      '[guardrail] CRITICAL XploreEC2Role: iam.policy.never-grant, iam.policy.privesc, iam.policy.wildc...',
    );
    expect(rendered.attributes).toEqual({
      severity: { DataType: 'String', StringValue: 'critical' },
      ruleId: {
        DataType: 'String.Array',
        StringValue:
          '["iam.policy.drift","iam.policy.never-grant","iam.policy.privesc","iam.policy.wildcard"]',
      },
      severityRank: { DataType: 'Number', StringValue: '4' },
      kind: { DataType: 'String', StringValue: 'finding' },
    });
    const { title, description } = rendered.chat.content;
    expect(title).toBe(':red_circle: *CRITICAL* PutRolePolicy on XploreEC2Role: 4 findings');
    expect(rendered.email.split('\n')[0]).toBe(
      'guardrail: CRITICAL PutRolePolicy on XploreEC2Role: 4 findings',
    );
    const numbered = description.split('\n').filter((line) => /^\*\d\. /.test(line));
    expect(numbered.map((line) => line.slice(0, 14))).toEqual([
      '*1. CRITICAL* ',
      '*2. CRITICAL* ',
      '*3. CRITICAL* ',
      '*4. HIGH* *Pri',
    ]);
    expect(description.match(/\*Who:\*/g)).toHaveLength(1);
    const { email } = rendered;
    expect(email.match(/^What happened$/gm)).toHaveLength(1);
    expect(email).toContain('What guardrail found (4 findings)');
    const first = email.indexOf('  1. CRITICAL iam.policy.never-grant: ');
    expect(first).toBeGreaterThan(0);
    expect(email.indexOf('  4. HIGH iam.policy.drift: ')).toBeGreaterThan(first);
  });

  it('has a plain email saying what happened, what was found and why, what was done, what next, and links', () => {
    const { email } = renderEvent([ephemeral]);
    const sections = ['What happened', 'What guardrail found', 'What to do next', 'Console'];
    let at = 0;
    for (const section of sections) {
      const found = email.indexOf(`\n${section}\n`, at);
      expect(found, section).toBeGreaterThan(at);
      at = found;
    }
    expect(email).toContain(`created ephemeral user ${EPHEMERAL_USER}`);
    expect(email).toContain(
      '  arn:aws:iam::123456789012:user/aimodelshare-admin called CreateUser at 2026-11-20T10:15:29Z',
    );
    expect(email).toContain(', from 203.0.113.10.');
    expect(email).toContain(
      'What guardrail did: Proposed tag-ephemeral (enforce); this run did not act on it.',
    );
    expect(email).toContain(
      `IAM user: https://console.aws.amazon.com/iam/home#/users/details/${EPHEMERAL_USER}`,
    );
    expect(email).toContain(
      `CloudTrail event: https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/${ephemeral.eventId}`,
    );
    expect(email).not.toMatch(/[<>*`ˋ]/);
  });

  it('says why a held remediation was not acted on', () => {
    const held = {
      ...ephemeral,
      remediation: { ...ephemeral.remediation, note: 'not acted on: the event names no account' },
    } as Finding;
    expect(renderEvent([held]).email).toContain(
      'Proposed tag-ephemeral (enforce), not acted on: the event names no account.',
    );
  });

  it('says a dry run changed nothing and how to enforce; a failure gives the error', () => {
    const dry = {
      ...imds,
      remediation: { ...imds.remediation, status: 'dry-run', note: 'would set i-1' },
    } as Finding;
    expect(renderEvent([dry]).email).toContain(
      'Dry run, nothing changed (enforce-imdsv2): would set i-1. Set rules["ec2.imds.v1-allowed"].mode: enforce in the baseline',
    );
    const failed = {
      ...imds,
      remediation: {
        ...imds.remediation,
        mode: 'enforce',
        status: 'failed',
        error: 'UnauthorizedOperation: denied',
      },
    } as Finding;
    expect(renderEvent([failed]).email).toContain(
      'FAILED enforce-imdsv2 (enforce): UnauthorizedOperation: denied. Fix it by hand.',
    );
  });

  it('carries severity and ruleId attributes for subscription filter policies, and a short ASCII subject', () => {
    const rendered = renderEvent([applied]);
    expect(rendered.attributes.severity).toEqual({ DataType: 'String', StringValue: 'high' });
    expect(rendered.attributes.ruleId).toEqual({
      DataType: 'String.Array',
      StringValue: '["ec2.imds.v1-allowed"]',
    });
    expect(rendered.attributes.severityRank).toEqual({ DataType: 'Number', StringValue: '3' });
    expect(rendered.subject).toBe('[guardrail] HIGH i-1234567890abcdef0: ec2.imds.v1-allowed');
    const message = JSON.parse(snsMessage(rendered));
    expect(Object.keys(message).sort()).toEqual(['default', 'email']);
    expect(JSON.parse(message.default)).toEqual(rendered.chat);
  });

  it("renders guardrail's own Markdown per channel: code spans in chat, their text in email, no backtick stand-in", () => {
    const wildcard = passRole.find((f) => f.ruleId === 'iam.policy.wildcard') as Finding;
    expect(wildcard.rationale).toContain('`s3:*`');
    const rendered = renderEvent([wildcard]);
    expect(rendered.chat.content.description).toContain('`s3:*`');
    expect(rendered.email).toContain(markdownToPlain(wildcard.rationale));
    expect(rendered.email).not.toContain('`');
    expect(snsMessage(rendered)).not.toContain('ˋ');
  });

  it('escapes attacker-controlled names everywhere in chat, and keeps them one line in email and subject', () => {
    const evil = '<!channel> [click](javascript:alert(1)) `x`\nSubject: spoofed';
    // IAM names cannot carry this text (the boundary refuses them); the caller's ARN and source IP of a forged
    // record can, and both are rendered.
    const [finding] = findingsFor(
      createUser('new-user', { userIdentity: { ...identities.developer, arn: evil }, sourceIPAddress: evil }),
    );
    const rendered = renderEvent([finding as Finding]);
    const chatText = JSON.stringify(rendered.chat);
    expect(chatText).not.toContain('<!channel>');
    expect(chatText).not.toMatch(/\]\s*\(javascript/);
    expect(chatText).toContain('&lt;!channel&gt;');
    expect(chatText).not.toContain('`x`');
    expect(rendered.email).not.toContain('\nSubject: spoofed');
    expect(rendered.subject).not.toMatch(/[\r\n]/);
    expect(rendered.subject.length).toBeLessThanOrEqual(99);
  });

  it('never shows a secret that slipped into a record', () => {
    const record = createAccessKey(EPHEMERAL_USER, { userIdentity: identities.aimodelshareAutomation });
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    (record.responseElements as { accessKey: Record<string, string> }).accessKey.secretAccessKey = secret;
    const [finding] = findingsFor(record);
    const rendered = renderEvent([finding as Finding]);
    expect(snsMessage(rendered)).not.toContain(secret);
    expect(rendered.subject).not.toContain(secret);
  });
});

describe('digest', () => {
  const many = (count: number, summaryLength = 600): Finding[] =>
    Array.from({ length: count }, (_, i) => ({
      ...ephemeral,
      ruleId: i % 3 === 0 ? 'iam.user.orphaned' : 'iam.accesskey.stale',
      severity: i % 7 === 0 ? 'high' : 'medium',
      resource: `arn:aws:iam::123456789012:user/user-${i}`,
      summary: `User user-${i} ${'x'.repeat(summaryLength)}`,
      eventName: 'OrphanSweep',
      eventId: 'sweep-1',
    })) as Finding[];
  const digest = (findings: Finding[]) => ({
    id: 'sweep-1',
    kind: 'sweep',
    title: `Orphan sweep of 123456789012: ${findings.length} findings`,
    intro: 'guardrail examined the users.',
    findings,
    notes: ['1 user(s) could not be read and were not judged: x (AccessDenied)'],
  });

  it('lists every finding, most severe first, with every rule id as a String.Array attribute', () => {
    const rendered = renderDigest(digest(many(10)));
    expect(rendered).toMatchObject({ shown: 10, omitted: 0 });
    expect(rendered.attributes.ruleId).toEqual({
      DataType: 'String.Array',
      StringValue: '["iam.accesskey.stale","iam.user.orphaned"]',
    });
    expect(rendered.attributes.severity?.StringValue).toBe('high');
    const order = [...rendered.email.matchAll(/^=== \d+\/10 (\w+)/gm)].map((m) => m[1]);
    expect(order).toEqual([
      'HIGH',
      'HIGH',
      'MEDIUM',
      'MEDIUM',
      'MEDIUM',
      'MEDIUM',
      'MEDIUM',
      'MEDIUM',
      'MEDIUM',
      'MEDIUM',
    ]);
    expect(rendered.email).toContain('Notes\n  - 1 user(s) could not be read');
    expect(rendered.chat.content.description.split('\n').filter((l) => l.startsWith('• '))).toHaveLength(10);
  });

  it.each([
    ['OrphanSweep', 'Found by the scheduled orphan sweep at '],
    ['StateScan', "Found by the state scan (the account's current state against the baseline) at "],
  ])('says which scheduled job found a %s finding, never "unknown called …"', (eventName, opening) => {
    const [known, unknown] = [
      { ...many(1)[0], eventName, actor: 'arn:aws:iam::123456789012:user/aimodelshare-admin' },
      { ...many(1)[0], eventName, actor: 'unknown' },
    ] as Finding[];
    const email = renderDigest(digest([known as Finding, unknown as Finding])).email;
    const lines = email.split('\n').filter((line) => line.trim().startsWith('Found by'));
    expect(lines).toHaveLength(2);
    expect(lines.every((line) => line.trim().startsWith(opening))).toBe(true);
    expect(
      lines.some((line) => line.endsWith('; created by arn:aws:iam::123456789012:user/aimodelshare-admin.')),
    ).toBe(true);
    // The sweep's findings are about users, whose creator is worth saying even when unknown; a scan finding about a
    // role or a setting has none to name.
    const unknownCreator = '; creator unknown (no guardrail:creator tag).';
    expect(lines.some((line) => line.endsWith(unknownCreator))).toBe(eventName === 'OrphanSweep');
    expect(email).not.toMatch(/called (OrphanSweep|StateScan)/);
  });

  it('stays within the SNS 256 KB limit by leaving out the least severe findings, and says so', () => {
    const rendered = renderDigest(digest(many(2000)));
    expect(snsSize(rendered)).toBeLessThanOrEqual(SNS_MAX_BYTES);
    expect(rendered.omitted).toBeGreaterThan(0);
    expect(rendered.shown + rendered.omitted).toBe(2000);
    expect(rendered.email).toContain(
      `...and ${rendered.omitted} more findings left out to stay within SNS's 256 KB message limit.`,
    );
    // One more finding would not have fitted: the cut is as late as it can be.
    expect(rendered.shown).toBeGreaterThan(100);
    const listed = rendered.chat.content.description.split('\n').filter((l) => l.startsWith('• ')).length;
    expect(listed).toBeGreaterThan(5);
    expect(rendered.chat.content.description).toContain(
      `…and ${2000 - listed} more: see the email or the report.`,
    );
    expect(rendered.chat.content.description.length).toBeLessThanOrEqual(7000);
  });
});
