/** `guardrail evaluate [FILE|-]...`: run the engine over records from files or stdin; no AWS call. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { evaluateInputs } from '../evaluate.ts';
import type { Io } from '../io.ts';
import { renderText } from '../render.ts';
import { loadBaselineFile } from './baseline.ts';

export function registerEvaluate(program: Command, io: Io): void {
  program
    .command('evaluate')
    .description(
      'Evaluate CloudTrail records: an EventBridge envelope, a bare record, a log file {"Records": [...]}, a LookupEvents reply or JSON Lines; .json or .json.gz',
    )
    .argument('[files...]', 'input files, or - for stdin', ['-'])
    .requiredOption('-b, --baseline <path>', 'baseline YAML file')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['json', 'text']).default('json'))
    .action(async (files: string[], options: { baseline: string; format: 'json' | 'text' }) => {
      const baseline = loadBaselineFile(options.baseline);
      const inputs = files.length > 0 ? files : ['-'];
      if (inputs.includes('-') && io.stdin?.isTTY) {
        // Nothing is piped in: say so instead of waiting silently.
        io.stderr(
          'guardrail: reading CloudTrail records from stdin (a terminal): paste them and end with Ctrl-D, or give a file\n',
        );
      }
      const output = await evaluateInputs(inputs, baseline, {
        ...(io.stdin ? { stdin: io.stdin } : {}),
        onNotice: (line) => io.stderr(`guardrail: ${line}\n`),
      });
      if (options.format === 'json') io.stdout(`${JSON.stringify(output, null, 2)}\n`);
      else io.stdout(renderText(output.findings, output.skipped, output.suppressed));
    });
}
