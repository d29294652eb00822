/**
 * The function's own account, read from the invocation context at the boundary. What a remediation may do
 * with it is decided in src/actions/plan.ts.
 */
import type { OwnAccount } from '../../src/actions/plan.ts';

const FUNCTION_ARN = /^arn:aws[\w-]*:lambda:[a-z0-9-]+:(\d{12}):function:[\w-]{1,64}(?::[\w$-]+)?$/;

/**
 * From the invocation context's `invokedFunctionArn` (Lambda sets it on every invocation). GUARDRAIL_ROLE_ARN's
 * account is only a cross-check: when the two disagree, neither is trusted.
 */
export function ownAccountOf(invokedFunctionArn: string | undefined, roleAccount?: string): OwnAccount {
  if (!invokedFunctionArn) {
    return { known: false, reason: 'the invocation context carries no function ARN' };
  }
  const account = FUNCTION_ARN.exec(invokedFunctionArn)?.[1];
  if (!account) {
    return {
      known: false,
      reason: `the invocation context's function ARN ${JSON.stringify(invokedFunctionArn.slice(0, 200))} names no account`,
    };
  }
  if (roleAccount !== undefined && roleAccount !== account) {
    return {
      known: false,
      reason: `GUARDRAIL_ROLE_ARN names account ${roleAccount} but the function runs in ${account}`,
    };
  }
  return { known: true, account };
}
