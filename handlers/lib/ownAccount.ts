/**
 * Remediations stay in the function's own account. Findings from member accounts arrive on the central
 * event bus, but the functions do not yet assume guardrail-remediator there (docs/deploy.md, "Cross-account
 * remediation"); acting with this account's credentials on another account's user name or instance id
 * would touch a same-named resource here, or report a misleading "no longer exists". Such a finding keeps
 * its `proposed` remediation, with a note saying why it was not acted on, and is notified as usual.
 */
import type { Remediate } from '../../src/actions/index.ts';

export function remediateInOwnAccount(remediate: Remediate, account: string | undefined): Remediate {
  if (account === undefined) return remediate;
  return async (finding) => {
    const remediation = finding.remediation;
    if (remediation?.status !== 'proposed' || finding.account === account) return remediate(finding);
    return {
      ...finding,
      remediation: {
        ...remediation,
        note: `not acted on: the event is from account ${finding.account || 'unknown'} and this function remediates only in ${account}`,
      },
    };
  };
}
