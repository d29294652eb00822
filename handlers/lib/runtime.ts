/** What the handlers build the same way at init: the SNS notifier, the remediator's member-account option. */
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Actions, RemediatorOptions } from '../../src/actions/index.ts';
import type { CredentialsProvider } from '../../src/actions/member.ts';
import { SnsNotifier } from '../../src/notify/sns.ts';
import type { Env } from '../config.ts';
import { memberAccess, topicArn } from '../config.ts';

export function snsNotifierFromEnv(sns: SNSClient, env?: Env): SnsNotifier {
  return new SnsNotifier(sns, topicArn(env));
}

/**
 * The remediator's member-account option when GUARDRAIL_MEMBER_ROLE_NAME is set: findings from other accounts
 * are remediated there with `actionsWith(credentials)`. Unset: none, so such findings are held.
 */
export function withMembers(
  actionsWith: (credentials: CredentialsProvider) => Actions,
  env?: Env,
): Pick<RemediatorOptions, 'members'> {
  const access = memberAccess(env);
  return access ? { members: { access, actionsWith } } : {};
}
