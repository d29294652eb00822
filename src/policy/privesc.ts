/**
 * Known privilege-escalation paths in AWS IAM, as data. Sources: Spencer Gietzen's research at Rhino Security
 * Labs ("AWS IAM Privilege Escalation – Methods and Mitigations", 21 methods), the PRIVILEGE_ESCALATION_METHODS
 * table of Salesforce's Cloudsplaining built on it, and the edge checks of NCC Group's PMapper (CodeBuild,
 * SageMaker, Auto Scaling, SSM). A path fires when every one of its actions is allowed (each entry of `actions`
 * is one action, or a list of alternatives any of which will do) on resources of that action's types: an
 * Allow of `lambda:UpdateFunctionCode` on an S3 object ARN opens nothing (`*` and NotResource always count).
 */
import type { ActionSet } from './actionSet.ts';
import type { CatalogueAction } from './catalogue.ts';
import { actionCatalogue, actionSetOfPatterns } from './catalogue.ts';
import type { NormalizedStatement } from './parse.ts';
import { patternsReaching } from './reach.ts';

export interface EscalationPath {
  /** Stable id, e.g. `iam-create-policy-version`. */
  readonly id: string;
  readonly title: string;
  /** All required; a nested list means any one of its actions. */
  readonly actions: readonly (string | readonly string[])[];
  readonly why: string;
  readonly reference: string;
  /** Fires only when these actions are allowed on every resource of their type (PassRole on every role). */
  readonly broadResource?: readonly string[];
}

const RHINO = 'https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/';
const CLOUDSPLAINING =
  'https://github.com/salesforce/cloudsplaining/blob/master/docs/glossary/privilege-escalation.md';
const PMAPPER = 'https://github.com/nccgroup/PMapper/tree/master/principalmapper/graphing';

export const ESCALATION_PATHS: readonly EscalationPath[] = [
  // Permissions on policies.
  {
    id: 'iam-create-policy-version',
    title: 'Rewrite a managed policy',
    actions: ['iam:CreatePolicyVersion'],
    why: 'creates a new version of a managed policy attached to the holder and, with --set-as-default (no SetDefaultPolicyVersion needed), makes it the one in force: any permission, in one call',
    reference: `${RHINO} (method 1)`,
  },
  {
    id: 'iam-set-default-policy-version',
    title: 'Switch a managed policy to an older version',
    actions: ['iam:SetDefaultPolicyVersion'],
    why: 'makes a dormant, broader version of a managed policy the one in force',
    reference: `${RHINO} (method 2)`,
  },
  {
    id: 'iam-attach-user-policy',
    title: 'Attach a managed policy to a user',
    actions: ['iam:AttachUserPolicy'],
    why: 'attaches AdministratorAccess (or any managed policy) to a user the holder controls',
    reference: `${RHINO} (method 7)`,
  },
  {
    id: 'iam-attach-group-policy',
    title: 'Attach a managed policy to a group',
    actions: ['iam:AttachGroupPolicy'],
    why: 'attaches any managed policy to a group a controlled user is in',
    reference: `${RHINO} (method 8)`,
  },
  {
    id: 'iam-attach-role-policy',
    title: 'Attach a managed policy to a role',
    actions: ['iam:AttachRolePolicy'],
    why: 'attaches any managed policy to a role: to this very role it needs nothing else, to another role it needs sts:AssumeRole on it',
    reference: `${RHINO} (method 9)`,
  },
  {
    id: 'iam-put-user-policy',
    title: 'Write an inline policy on a user',
    actions: ['iam:PutUserPolicy'],
    why: 'writes any inline permission onto a user the holder controls',
    reference: `${RHINO} (method 10)`,
  },
  {
    id: 'iam-put-group-policy',
    title: 'Write an inline policy on a group',
    actions: ['iam:PutGroupPolicy'],
    why: 'writes any inline permission onto a group a controlled user is in',
    reference: `${RHINO} (method 11)`,
  },
  {
    id: 'iam-put-role-policy',
    title: 'Write an inline policy on a role',
    actions: ['iam:PutRolePolicy'],
    why: 'writes any inline permission onto a role, this one included: the holder grants itself whatever it wants',
    reference: `${RHINO} (method 12)`,
  },
  // Permissions on other users.
  {
    id: 'iam-create-access-key',
    title: 'Create access keys for other users',
    actions: ['iam:CreateAccessKey'],
    why: 'mints long-lived keys for another user and acts as them, with all their permissions',
    reference: `${RHINO} (method 4)`,
  },
  {
    id: 'iam-create-login-profile',
    title: 'Set a console password for other users',
    actions: ['iam:CreateLoginProfile'],
    why: 'gives a console password to a user that has none, and signs in as them',
    reference: `${RHINO} (method 5)`,
  },
  {
    id: 'iam-update-login-profile',
    title: "Change other users' console passwords",
    actions: ['iam:UpdateLoginProfile'],
    why: 'resets the console password of a user and signs in as them',
    reference: `${RHINO} (method 6)`,
  },
  {
    id: 'iam-add-user-to-group',
    title: 'Join a more privileged group',
    actions: ['iam:AddUserToGroup'],
    why: 'adds a controlled user to an administrators group',
    reference: `${RHINO} (method 13)`,
  },
  // Trust policies and roles.
  {
    id: 'iam-update-assume-role-policy',
    title: 'Rewrite a role trust policy, then assume the role',
    actions: ['iam:UpdateAssumeRolePolicy', 'sts:AssumeRole'],
    why: 'edits who may assume a stronger role to include the holder, then assumes it',
    reference: `${RHINO} (method 14)`,
  },
  {
    id: 'sts-assume-any-role',
    title: 'Assume any role',
    actions: ['sts:AssumeRole'],
    broadResource: ['sts:AssumeRole'],
    why: 'assumes every role whose trust policy trusts this account, the most privileged included',
    reference: `${PMAPPER} (sts edges)`,
  },
  // PassRole to a service the holder controls.
  {
    id: 'iam-pass-any-role',
    title: 'Pass any role to a service',
    actions: ['iam:PassRole'],
    broadResource: ['iam:PassRole'],
    why: 'hands the most privileged role in the account to any service it can create resources in (EC2, Lambda, Glue, CloudFormation, CodeBuild…); one create permission, from any policy of the role, completes the escalation',
    reference: `${CLOUDSPLAINING} (iam:PassRole:*)`,
  },
  {
    id: 'ec2-run-instances-with-role',
    title: 'Launch an instance with a role',
    actions: ['iam:PassRole', ['ec2:RunInstances', 'ec2:RequestSpotInstances']],
    why: 'launches an instance with a stronger instance profile and reads its credentials from the instance metadata service',
    reference: `${RHINO} (method 3)`,
  },
  {
    id: 'autoscaling-launch-with-role',
    title: 'Launch instances with a role through Auto Scaling',
    actions: [
      'iam:PassRole',
      ['autoscaling:CreateLaunchConfiguration', 'ec2:CreateLaunchTemplate'],
      'autoscaling:CreateAutoScalingGroup',
    ],
    why: 'has Auto Scaling launch instances with a stronger role and reads their credentials',
    reference: `${PMAPPER} (autoscaling edges)`,
  },
  {
    id: 'lambda-create-and-invoke',
    title: 'Create a Lambda function with a role and invoke it',
    actions: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'],
    why: 'runs its own code as a stronger role',
    reference: `${RHINO} (method 15)`,
  },
  {
    id: 'lambda-create-with-event-source',
    title: 'Create a Lambda function with a role and trigger it from a stream',
    actions: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:CreateEventSourceMapping'],
    why: 'runs its own code as a stronger role, triggered by a DynamoDB or Kinesis stream instead of an invoke',
    reference: `${RHINO} (method 16)`,
  },
  {
    id: 'lambda-update-function-code',
    title: "Replace a Lambda function's code",
    actions: ['lambda:UpdateFunctionCode'],
    why: 'replaces the code of an existing function, which then runs with that function’s role',
    reference: `${RHINO} (method 17)`,
  },
  {
    id: 'glue-dev-endpoint-with-role',
    title: 'Create a Glue development endpoint with a role',
    actions: ['iam:PassRole', 'glue:CreateDevEndpoint'],
    why: 'creates an endpoint it can SSH into that holds a stronger role’s credentials',
    reference: `${RHINO} (method 18)`,
  },
  {
    id: 'glue-update-dev-endpoint',
    title: 'Take over a Glue development endpoint',
    actions: ['glue:UpdateDevEndpoint'],
    why: 'adds its own SSH key to an existing endpoint and uses the role attached to it',
    reference: `${RHINO} (method 19)`,
  },
  {
    id: 'cloudformation-create-stack-with-role',
    title: 'Create a CloudFormation stack with a role',
    actions: ['iam:PassRole', 'cloudformation:CreateStack'],
    why: 'has CloudFormation create any resource (an admin user, a policy) with a stronger role',
    reference: `${RHINO} (method 20)`,
  },
  {
    id: 'datapipeline-with-role',
    title: 'Create a Data Pipeline with a role',
    actions: ['iam:PassRole', 'datapipeline:CreatePipeline', 'datapipeline:PutPipelineDefinition'],
    why: 'runs arbitrary commands on pipeline resources with a stronger role',
    reference: `${RHINO} (method 21)`,
  },
  {
    id: 'codebuild-project-with-role',
    title: 'Create and run a CodeBuild project with a role',
    actions: [
      'iam:PassRole',
      'codebuild:CreateProject',
      ['codebuild:StartBuild', 'codebuild:StartBuildBatch'],
    ],
    why: 'runs a build spec of its own as a stronger service role',
    reference: `${PMAPPER} (codebuild edges)`,
  },
  {
    id: 'sagemaker-notebook-with-role',
    title: 'Create a SageMaker notebook with a role',
    actions: [
      'iam:PassRole',
      'sagemaker:CreateNotebookInstance',
      'sagemaker:CreatePresignedNotebookInstanceUrl',
    ],
    why: 'opens a notebook running as a stronger execution role',
    reference: `${PMAPPER} (sagemaker edges)`,
  },
  {
    id: 'ssm-command-on-instances',
    title: 'Run commands on instances through Systems Manager',
    actions: [['ssm:SendCommand', 'ssm:StartSession']],
    why: 'runs commands on managed instances and takes their instance profiles’ credentials',
    reference: `${PMAPPER} (ssm edges)`,
  },
];

/** A statement that allows one action of a path, and its resources that can name what the action acts on. */
export interface EscalationGrant {
  readonly statement: string;
  /** The statement's patterns that reach the action (`*`, an ARN of its type), or its NotResource list. */
  readonly resources: readonly string[];
  readonly notResource?: true;
}

export interface EscalationHit {
  readonly id: string;
  readonly title: string;
  readonly why: string;
  readonly reference: string;
  /**
   * For each action of the path, the catalogue action that is allowed, the statements that allow it (paths) and,
   * per statement, the resources that open it.
   */
  readonly grants: readonly {
    readonly action: string;
    readonly statements: readonly string[];
    readonly grantedBy: readonly EscalationGrant[];
  }[];
  /** Statements of the new document among those. */
  readonly newStatements: readonly string[];
}

interface Grant {
  readonly statement: NormalizedStatement;
  readonly actions: ActionSet;
  readonly broad: boolean;
  readonly isNew: boolean;
}

/**
 * Whether a statement reaches every resource of a type: `*`, NotResource, or an ARN whose resource part is `*`,
 * `type/*` or `type:*` (`arn:aws:iam::123456789012:role/*` is every role; `role/app-*` is not).
 */
function reachesEveryResource(statement: NormalizedStatement): boolean {
  if (statement.resources.negated) return true;
  return statement.resources.patterns.some((pattern) => {
    if (pattern === '*') return true;
    const resourcePart = pattern.split(':').slice(5).join(':');
    return resourcePart === '*' || /^[\w-]+[/:]\*$/.test(resourcePart);
  });
}

function grantOf(statement: NormalizedStatement, isNew: boolean): Grant {
  const { set } = actionSetOfPatterns(statement.actions.patterns);
  return {
    statement,
    actions: statement.actions.negated ? set.complement() : set,
    broad: reachesEveryResource(statement),
    isNew,
  };
}

export interface EscalationOptions {
  /** The account's partition (`aws`…), from the role ARN: resources elsewhere are out of reach. */
  readonly partition?: string;
}

/**
 * Escalation paths open to a role holding `statements` (the new ones) together with `approved` (what its
 * baseline already grants): a path is reported when all its actions are allowed, each on resources of its
 * types, and at least one of them comes from a new statement, so a grant the baseline approved is not
 * re-reported on every re-put.
 */
export function escalationsIn(
  statements: readonly NormalizedStatement[],
  approved: readonly NormalizedStatement[] = [],
  options: EscalationOptions = {},
): EscalationHit[] {
  const catalogue = actionCatalogue();
  const grants = [
    ...statements.filter((s) => s.effect === 'Allow').map((s) => grantOf(s, true)),
    ...approved.filter((s) => s.effect === 'Allow').map((s) => grantOf(s, false)),
  ];
  const holdersOf = (action: CatalogueAction, broadOnly: boolean) =>
    grants.flatMap((g) => {
      if (!g.actions.has(action.index) || (broadOnly && !g.broad)) return [];
      const resources = patternsReaching(g.statement, action, options.partition);
      return resources.length === 0 ? [] : [{ grant: g, resources }];
    });
  const hits: EscalationHit[] = [];
  for (const path of ESCALATION_PATHS) {
    const resolved: { action: string; holders: ReturnType<typeof holdersOf> }[] = [];
    for (const entry of path.actions) {
      const options = typeof entry === 'string' ? [entry] : entry;
      const found = options
        .map((name) => {
          const action = catalogue.byKey.get(name.toLowerCase());
          const broadOnly = path.broadResource?.includes(name) ?? false;
          return { action: action?.name ?? name, holders: action ? holdersOf(action, broadOnly) : [] };
        })
        .find((option) => option.holders.length > 0);
      if (!found) break;
      resolved.push(found);
    }
    if (resolved.length !== path.actions.length) continue;
    const newStatements = [
      ...new Set(
        resolved.flatMap((r) => r.holders.filter((h) => h.grant.isNew).map((h) => h.grant.statement.path)),
      ),
    ];
    if (newStatements.length === 0) continue;
    hits.push({
      id: path.id,
      title: path.title,
      why: path.why,
      reference: path.reference,
      grants: resolved.map((r) => ({
        action: r.action,
        statements: r.holders.map((h) => h.grant.statement.path),
        grantedBy: r.holders.map((h) => ({
          statement: h.grant.statement.path,
          resources: h.resources,
          ...(h.grant.statement.resources.negated ? { notResource: true as const } : {}),
        })),
      })),
      newStatements,
    });
  }
  return hits;
}
