/**
 * What the bundles use in place of `@aws-sdk/credential-provider-node` (scripts/build.ts, `envCredentials`):
 * the Lambda runtime always hands the function its role's credentials in the environment, so of the SDK's
 * default chain only its first link, `fromEnv`, can ever answer there. The others (SSO, ini files, external
 * processes, web identity, container and instance metadata) and the nested STS/SSO clients they load are about
 * 60 KB of every zip that a function never runs. Clients given explicit credentials (a member account's role)
 * never call this.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

type Init = Parameters<typeof fromEnv>[0];
/** The credentials `fromEnv` gives, typed from the one dependency this module has. */
type AwsCredentialIdentity = Awaited<ReturnType<ReturnType<typeof fromEnv>>>;

export const defaultProvider = (init: Init = {}) => fromEnv(init);

/** The same two predicates the SDK's module exports (its clients import them by name). */
export const credentialsWillNeedRefresh = (credentials?: AwsCredentialIdentity): boolean =>
  credentials?.expiration !== undefined;
export const credentialsTreatedAsExpired = (credentials?: AwsCredentialIdentity): boolean =>
  credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;
