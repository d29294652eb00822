/**
 * serverless.yml packaged the way a deploy packages it: `osls package` offline (no AWS credentials), into a
 * temporary folder, and the generated CloudFormation read back with a few accessors the tests share.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Resource {
  readonly Type: string;
  readonly Condition?: string;
  readonly DependsOn?: string | string[];
  readonly Properties: JsonObject;
}

export interface Template {
  readonly Parameters: Record<string, JsonObject>;
  readonly Conditions: Record<string, Json>;
  readonly Resources: Record<string, Resource>;
  readonly Outputs: Record<string, JsonObject>;
}

export interface Packaged {
  /** Where osls wrote the zips and templates. */
  readonly dir: string;
  readonly template: Template;
  readonly output: string;
}

function oslsBin(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('osls/package.json');
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: Record<string, string> };
  return join(dirname(manifest), bin.osls ?? bin.serverless ?? 'bin/serverless.js');
}

/**
 * Runs `osls package` with the given `--param`s and region. The environment carries no AWS credentials or
 * profile: packaging must not need an account (`${AWS::AccountId}` stays for CloudFormation to fill in).
 */
export function packageService(
  options: {
    readonly params?: Record<string, string>;
    readonly region?: string;
    /** The service folder (default: the repository). */
    readonly cwd?: string;
  } = {},
): Promise<Packaged> {
  const dir = mkdtempSync(join(tmpdir(), 'guardrail-package-'));
  const args = [oslsBin(), 'package', '--package', dir];
  if (options.region) args.push('--region', options.region);
  for (const [key, value] of Object.entries(options.params ?? {})) args.push(`--param=${key}=${value}`);
  const child = spawn(process.execPath, args, {
    cwd: options.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: dir, CI: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`osls package exited with ${code}:\n${output}`));
        return;
      }
      const template = JSON.parse(
        readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'),
      ) as Template;
      resolve({ dir, template, output });
    });
  });
}

export function resourcesOfType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

export interface LambdaFunction {
  readonly logicalId: string;
  /** The function's short name in serverless.yml (`iam-events`), from its FunctionName. */
  readonly name: string;
  readonly functionName: string;
  readonly resource: Resource;
}

export function lambdaFunctions(template: Template, service = 'guardrail', stage = 'prod'): LambdaFunction[] {
  return resourcesOfType(template, 'AWS::Lambda::Function').map(([logicalId, resource]) => {
    const functionName = resource.Properties.FunctionName as string;
    return { logicalId, functionName, name: functionName.replace(`${service}-${stage}-`, ''), resource };
  });
}

/** `{ "Fn::GetAtt": [id, attr] }` → id, or undefined. */
export function getAttOf(value: Json | undefined, attribute = 'Arn'): string | undefined {
  if (value && typeof value === 'object' && !Array.isArray(value) && 'Fn::GetAtt' in value) {
    const [id, attr] = value['Fn::GetAtt'] as [string, string];
    return attr === attribute ? id : undefined;
  }
  return undefined;
}

/** `{ "Ref": id }` → id, or undefined. */
export function refOf(value: Json | undefined): string | undefined {
  if (value && typeof value === 'object' && !Array.isArray(value) && 'Ref' in value)
    return value.Ref as string;
  return undefined;
}

/** `{ "Fn::Sub": text }` → text, or undefined. */
export function subOf(value: Json | undefined): string | undefined {
  if (value && typeof value === 'object' && !Array.isArray(value) && 'Fn::Sub' in value) {
    return value['Fn::Sub'] as string;
  }
  return undefined;
}

export interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: Json;
  readonly Condition?: JsonObject;
}

/** A policy statement and, when it sits under `Fn::If`, the condition that includes it. */
export interface RoleStatement {
  readonly statement: Statement;
  readonly when?: string;
  /** Where it comes from: the inline policy or the managed policy's logical id. */
  readonly from: string;
}

function statementsOf(document: JsonObject, from: string): RoleStatement[] {
  const list = [document.Statement].flat() as Json[];
  return list.flatMap((entry): RoleStatement[] => {
    if (entry && typeof entry === 'object' && !Array.isArray(entry) && 'Fn::If' in entry) {
      const [condition, yes] = entry['Fn::If'] as [string, Json, Json];
      return refOf(yes) === 'AWS::NoValue'
        ? []
        : [{ statement: yes as unknown as Statement, when: condition, from }];
    }
    return [{ statement: entry as unknown as Statement, from }];
  });
}

/** Every statement a role grants: its inline policies and the managed policies of this template it attaches. */
export function roleStatements(template: Template, roleId: string): RoleStatement[] {
  const role = template.Resources[roleId];
  if (!role) throw new Error(`no role ${roleId}`);
  const inline = ((role.Properties.Policies ?? []) as JsonObject[]).flatMap((policy) =>
    statementsOf(policy.PolicyDocument as JsonObject, `${roleId} inline ${policy.PolicyName as string}`),
  );
  const managed = ((role.Properties.ManagedPolicyArns ?? []) as Json[]).flatMap((arn) => {
    const id = refOf(arn);
    const policy = id ? template.Resources[id] : undefined;
    if (!id || policy?.Type !== 'AWS::IAM::ManagedPolicy') {
      throw new Error(`${roleId}: managed policy ${JSON.stringify(arn)} is not one of this template's`);
    }
    return statementsOf(policy.Properties.PolicyDocument as JsonObject, id);
  });
  return [...inline, ...managed];
}

export function actionsOf(statement: Statement): string[] {
  return [statement.Action].flat();
}
