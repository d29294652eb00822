/**
 * The one place a remediation is decided. Pure: no client, no clock, no environment.
 *
 * - Which action: the one the rule declares; a match proposing another is dropped (`proposeRemediation`).
 * - Which mode: `enforce` only when the baseline's rule says so and the operator's brake
 *   (GUARDRAIL_FORCE_DRY_RUN) is off; anything else is a dry run, which only reads (`planRemediation`).
 * - Which account: the function's own, with its own credentials, only when the invocation told it which
 *   account that is and the finding names the same one; another account only through its member role.
 *   Anything else fails closed: the remediation stays `proposed`, with a note saying why.
 *
 * The engine calls `proposeRemediation` (what `guardrail evaluate` prints); the remediator (index.ts) calls
 * `planRemediation` and runs what it says.
 */
import type { RuleSettings } from '../baseline/baseline.ts';
import type { ProposedRemediation } from '../core/rule.ts';
import type { Finding, Remediation, RemediationAction, RemediationMode } from '../core/types.ts';

/** The account the function runs in (from the invocation context), or why it is not known. */
export type OwnAccount =
  | { readonly known: true; readonly account: string }
  | { readonly known: false; readonly reason: string };

export interface PlanContext {
  /** GUARDRAIL_FORCE_DRY_RUN: every remediation is a dry run, whatever the baseline says. */
  readonly forceDryRun: boolean;
  readonly own: OwnAccount;
  /** Whether a member role is configured, through which other accounts' findings are remediated there. */
  readonly memberRole: boolean;
}

export type RemediationTarget =
  | { readonly kind: 'own' }
  | { readonly kind: 'member'; readonly account: string };

export type RemediationPlan =
  /** Nothing to run: the finding proposes nothing, or its remediation already has an outcome. */
  | { readonly kind: 'none' }
  /** Not acted on, for the reason in `note`; the finding keeps its `proposed` remediation. */
  | { readonly kind: 'hold'; readonly note: string }
  | {
      readonly kind: 'run';
      readonly action: RemediationAction;
      readonly mode: RemediationMode;
      readonly target: RemediationTarget;
    };

/**
 * What a rule's match proposes, as the finding carries it: the rule's own action only, in the mode the
 * baseline sets for the rule, `proposed`.
 */
export function proposeRemediation(
  declared: RemediationAction | null,
  proposed: ProposedRemediation | undefined,
  settings: RuleSettings,
): Remediation | null {
  if (!proposed || proposed.action !== declared) return null;
  return { ...proposed, mode: settings.mode, status: 'proposed' } as Remediation;
}

const ACCOUNT_ID = /^\d{12}$/;

export function planRemediation(finding: Finding, context: PlanContext): RemediationPlan {
  const remediation = finding.remediation;
  if (remediation?.status !== 'proposed') return { kind: 'none' };
  const { own } = context;
  if (!own.known) return { kind: 'hold', note: `this function's own account is not known (${own.reason})` };
  if (!ACCOUNT_ID.test(finding.account)) {
    return {
      kind: 'hold',
      note: `the event names no account to remediate in (account ${JSON.stringify(finding.account.slice(0, 40))})`,
    };
  }
  let target: RemediationTarget = { kind: 'own' };
  if (finding.account !== own.account) {
    if (!context.memberRole) {
      return {
        kind: 'hold',
        note: `the event is from account ${finding.account}, and no member role is configured (GUARDRAIL_MEMBER_ROLE_NAME) to remediate outside ${own.account}`,
      };
    }
    target = { kind: 'member', account: finding.account };
  }
  const mode = remediation.mode === 'enforce' && !context.forceDryRun ? 'enforce' : 'dry-run';
  return { kind: 'run', action: remediation.action, mode, target };
}
