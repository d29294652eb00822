/**
 * `guardrail policy canonical DOC` and `guardrail policy diff --baseline PATH --role ROLE DOC`: the canonical
 * form and hash of a policy document, and what it grants beyond (or short of) a role's baseline. DOC is a file
 * or `-` for stdin; its text may be JSON or URL-encoded JSON (as IAM's Get* APIs return it).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Option } from 'commander';
import { loadBaseline } from '../../baseline/load.ts';
import { oneLine, PolicyParseError, UsageError } from '../../core/errors.ts';
import { canonicalPolicy, policyHash } from '../../policy/canonical.ts';
import type { PolicyDiff } from '../../policy/diff.ts';
import { diffPolicy } from '../../policy/diff.ts';
import type { PolicyDocument } from '../../policy/parse.ts';
import { parsePolicyDocument } from '../../policy/parse.ts';
import type { WitnessGroup } from '../../policy/witnesses.ts';
import type { Io } from '../io.ts';

type Format = 'json' | 'text';

async function readDocText(path: string, stdin: () => Promise<string>): Promise<string> {
  if (path === '-') return stdin();
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : 'cannot be read';
    throw new PolicyParseError(`${path}: ${reason}`, { cause: error });
  }
}

async function processStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function readDoc(path: string, stdin: () => Promise<string>): Promise<PolicyDocument> {
  const where = path === '-' ? 'stdin' : path;
  const text = await readDocText(path, stdin);
  if (text.trim() === '') throw new PolicyParseError(`${where}: empty`);
  return parsePolicyDocument(text, where);
}

function groupLines(groups: readonly WitnessGroup[], indent: string): string[] {
  return groups.map((group) => {
    const actions =
      group.actions.length > 8
        ? `${group.actions.slice(0, 8).join(', ')} +${group.actions.length - 8} more`
        : group.actions.join(', ');
    const example = group.example ? ` (e.g. ${oneLine(group.example, 200)})` : '';
    const caveat = group.conservative ? `\n${indent}  conservative: ${oneLine(group.conservative, 300)}` : '';
    return `${indent}${group.statement}: ${oneLine(actions, 600)} on ${oneLine(group.resource, 300)}${example}: ${group.reason}${caveat}`;
  });
}

export function renderDiffText(diff: PolicyDiff, role: string): string {
  const lines = [`${diff.verdict}: the document against roles.${role}`];
  lines.push(
    `new access: the document grants, roles.${role} does not (${diff.newAccess.length}):${diff.newAccess.length === 0 ? ' none' : ''}`,
  );
  lines.push(...groupLines(diff.newAccessGroups, '  '));
  lines.push(
    `narrower: roles.${role} grants, the document does not (${diff.notGranted.length}):${diff.notGranted.length === 0 ? ' none' : ''}`,
  );
  lines.push(...groupLines(diff.notGrantedGroups, '  '));
  lines.push(`within the baseline: ${diff.withinBaseline.join(', ') || 'none'}`);
  lines.push(`baseline statements granted in full: ${diff.fullyGranted.join(', ') || 'none'}`);
  if (diff.unknownActions.length > 0) lines.push(`unknown actions: ${diff.unknownActions.join(', ')}`);
  for (const note of diff.notes) lines.push(`note: ${oneLine(note, 500)}`);
  return `${lines.join('\n')}\n`;
}

export function registerPolicy(program: Command, io: Io, stdin: () => Promise<string> = processStdin): void {
  const policy = program.command('policy').description('Work with IAM policy documents');
  const format = () =>
    new Option('-f, --format <format>', 'output format').choices(['json', 'text']).default('json');

  policy
    .command('canonical')
    .description(
      'Print the canonical form of a policy document and its hash (equal for documents that mean the same)',
    )
    .argument('<doc>', 'policy document JSON file, or - for stdin')
    .addOption(format())
    .action(async (path: string, options: { format: Format }) => {
      const doc = await readDoc(path, stdin);
      const canonical = canonicalPolicy(doc);
      const hash = policyHash(doc);
      if (options.format === 'json') io.stdout(`${JSON.stringify({ hash, canonical }, null, 2)}\n`);
      else io.stdout(`${hash}\n${JSON.stringify(canonical, null, 2)}\n`);
    });

  policy
    .command('diff')
    .description(
      "Compare a policy document with a role's baseline: new access (witnesses), what is equal, what is narrower",
    )
    .argument('<doc>', 'policy document JSON file, or - for stdin')
    .requiredOption('-b, --baseline <path>', 'baseline YAML file')
    .requiredOption('-r, --role <name>', 'role name in the baseline')
    .option(
      '-p, --partition <partition>',
      'the account partition (resources elsewhere are out of reach)',
      'aws',
    )
    .addOption(format())
    .action(
      async (
        path: string,
        options: { baseline: string; role: string; partition: string; format: Format },
      ) => {
        const baseline = loadBaseline(options.baseline);
        const role = baseline.roles.get(options.role);
        if (!role) {
          const known = [...baseline.roles.keys()].join(', ') || 'none';
          throw new UsageError(`${options.baseline}: roles.${options.role}: no such role (known: ${known})`);
        }
        const doc = await readDoc(path, stdin);
        const diff = diffPolicy(doc, role.statements, { partition: options.partition });
        if (options.format === 'json') {
          io.stdout(`${JSON.stringify({ role: options.role, hash: policyHash(doc), ...diff }, null, 2)}\n`);
        } else io.stdout(renderDiffText(diff, options.role));
      },
    );
}
