/**
 * What enforce-imdsv2 changes on one instance, from what DescribeInstances says it has now. Pure, so the rule
 * that matters most is easy to hold: the hop limit is never raised. It stays where it is when within the
 * instance's maximum, and comes down to the maximum only when above it.
 */
import type { ImdsTarget } from '../core/types.ts';

/** The instance's options as DescribeInstances reports them (absent: EC2's defaults, optional and 1). */
export interface CurrentImds {
  readonly httpTokens?: string;
  readonly hopLimit?: number;
  readonly httpEndpoint?: string;
}

export type ImdsChange =
  | { readonly kind: 'endpoint-disabled' }
  | { readonly kind: 'compliant'; readonly httpTokens: string; readonly hopLimit: number }
  | {
      readonly kind: 'modify';
      /** What is sent: `required`, or the current value when the target keeps it. */
      readonly httpTokens: string;
      /** Never above `from.hopLimit`, never above the target's maximum. */
      readonly hopLimit: number;
      readonly from: { readonly httpTokens: string; readonly hopLimit: number };
    };

export function planImdsChange(current: CurrentImds, target: ImdsTarget): ImdsChange {
  if (current.httpEndpoint === 'disabled') return { kind: 'endpoint-disabled' };
  const httpTokens = current.httpTokens ?? 'optional';
  const hopLimit = current.hopLimit ?? 1;
  const wantedHop = Math.min(hopLimit, target.maxHopLimit);
  const wantedTokens = target.httpTokens === 'required' ? 'required' : httpTokens;
  if (wantedTokens === httpTokens && wantedHop === hopLimit)
    return { kind: 'compliant', httpTokens, hopLimit };
  return { kind: 'modify', httpTokens: wantedTokens, hopLimit: wantedHop, from: { httpTokens, hopLimit } };
}

/** `HttpTokens optional → required, hop limit 3 → 2 (the maximum)`: one line saying what changes. */
export function describeImdsChange(
  change: Extract<ImdsChange, { kind: 'modify' }>,
  target: ImdsTarget,
): string {
  const { from } = change;
  const tokens =
    from.httpTokens === change.httpTokens
      ? `HttpTokens ${from.httpTokens} (unchanged${target.httpTokens === 'keep' ? ': its IMDS profile allows IMDSv1' : ''})`
      : `HttpTokens ${from.httpTokens} → ${change.httpTokens}`;
  const hop =
    from.hopLimit === change.hopLimit
      ? `hop limit ${from.hopLimit} (unchanged, within the maximum of ${target.maxHopLimit})`
      : `hop limit ${from.hopLimit} → ${change.hopLimit} (the maximum)`;
  return `${tokens}, ${hop}`;
}
