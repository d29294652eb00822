/** IAM tags accept letters, digits, spaces and `_.:/=+-@` only, values up to 256 characters. */
export function iamTagValue(value: string): string {
  return value.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '_').slice(0, 256);
}

/** Tag keys guardrail writes; a sweep reads them back, so they are a contract like rule ids. */
export const GuardrailTag = {
  ephemeral: 'guardrail:ephemeral',
  creator: 'guardrail:creator',
  createdAt: 'guardrail:created-at',
  expiresAt: 'guardrail:expires-at',
  orphaned: 'guardrail:orphaned',
  orphanedAt: 'guardrail:orphaned-at',
  orphanReason: 'guardrail:orphan-reason',
} as const;
