/** IAM tags accept letters, digits, spaces and `_.:/=+-@` only, values up to 256 characters. */
export function iamTagValue(value: string): string {
  return value.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '_').slice(0, 256);
}

/** Every tag key guardrail writes starts with this. */
export const GUARDRAIL_TAG_PREFIX = 'guardrail:';

/** Tag keys guardrail writes; a sweep reads them back, so they are a contract like rule ids. */
export const GuardrailTag = {
  ephemeral: `${GUARDRAIL_TAG_PREFIX}ephemeral`,
  creator: `${GUARDRAIL_TAG_PREFIX}creator`,
  createdAt: `${GUARDRAIL_TAG_PREFIX}created-at`,
  expiresAt: `${GUARDRAIL_TAG_PREFIX}expires-at`,
  orphaned: `${GUARDRAIL_TAG_PREFIX}orphaned`,
  orphanedAt: `${GUARDRAIL_TAG_PREFIX}orphaned-at`,
  orphanReason: `${GUARDRAIL_TAG_PREFIX}orphan-reason`,
} as const;
