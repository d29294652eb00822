/** The settings every handler reads at init (handlers/config.ts), as the benchmarks give them to a bundle. */
import { fileURLToPath } from 'node:url';

export const HANDLER_SETTINGS = {
  AWS_REGION: 'us-east-1',
  GUARDRAIL_BASELINE: fileURLToPath(new URL('../infra/baseline.example.yml', import.meta.url)),
  GUARDRAIL_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:guardrail',
  GUARDRAIL_IDEMPOTENCY_TABLE: 'guardrail-idempotency',
  GUARDRAIL_REPORT_BUCKET: 'guardrail-reports',
  // tamper-watch: the function whose own changes it reports.
  GUARDRAIL_WATCHED_FUNCTION: 'guardrail-tamper-events',
} as const;
