/**
 * The one module that reads the functions' baseline: its source (GUARDRAIL_BASELINE: file, S3 or SSM), kept
 * across invocations of a warm function for GUARDRAIL_BASELINE_CACHE_SECONDS, with the settings that override
 * it applied once per loaded baseline (GUARDRAIL_ROLE_ARN's role joins ownRoles; GUARDRAIL_MIN_SEVERITY
 * replaces notify.minSeverity), so nothing downstream resolves them again. A failed refresh keeps the last
 * good baseline (and logs); with none to fall back on, the invocation fails and Lambda retries it.
 */
import { readFile } from 'node:fs/promises';
import type { Logger } from '@aws-lambda-powertools/logger';
import { describeAwsError } from '../../src/aws/errors.ts';
import type { Baseline } from '../../src/baseline/baseline.ts';
import { parseBaseline } from '../../src/baseline/load.ts';
import { BaselineError, errorMessage } from '../../src/core/errors.ts';
import type { Severity } from '../../src/core/types.ts';
import type { BaselineSource, Env } from '../config.ts';
import { baselineCacheSeconds, baselineSource, functionRole, minSeverity } from '../config.ts';

export interface BaselineLoaderOptions {
  readonly cacheSeconds: number;
  readonly onStaleRefreshError?: (message: string) => void;
  readonly now?: () => number;
  /** Reads the source's text; the default reads files, S3 and SSM. Tests pass their own. */
  readonly read?: (source: BaselineSource) => Promise<string>;
}

/** The baseline text of a source (file, S3 or SSM); a failure is a one-line BaselineError naming it. */
export async function readBaselineText(source: BaselineSource): Promise<string> {
  try {
    switch (source.kind) {
      case 'file':
        return await readFile(source.path, 'utf8');
      // The S3 and SSM clients load on first use: a function whose baseline is a bundled file never
      // reads or compiles them (the build puts each in its own chunk).
      case 's3':
        return await (await import('./readS3.ts')).readS3(source.bucket, source.key);
      case 'ssm':
        return await (await import('./readSsm.ts')).readSsm(source.name);
    }
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : describeAwsError(error);
    throw new BaselineError(`${source.label}: cannot be read: ${reason}`, { cause: error });
  }
}

export function createBaselineLoader(
  source: BaselineSource,
  options: BaselineLoaderOptions,
): () => Promise<Baseline> {
  const now = options.now ?? Date.now;
  const read = options.read ?? readBaselineText;
  let current: { baseline: Baseline; loadedAt: number } | undefined;
  let loading: Promise<Baseline> | undefined;

  const load = async (): Promise<Baseline> => {
    try {
      const baseline = parseBaseline(await read(source), source.label);
      current = { baseline, loadedAt: now() };
      return baseline;
    } catch (error) {
      if (!current) throw error;
      options.onStaleRefreshError?.(errorMessage(error));
      current = { baseline: current.baseline, loadedAt: now() };
      return current.baseline;
    } finally {
      loading = undefined;
    }
  };

  return () => {
    if (current && now() - current.loadedAt < options.cacheSeconds * 1000) {
      return Promise.resolve(current.baseline);
    }
    loading ??= load();
    return loading;
  };
}

export interface BaselineOverrides {
  /** The function's own role: joins ownRoles (loop prevention that does not rely on the file). */
  readonly ownRole?: string | undefined;
  /** GUARDRAIL_MIN_SEVERITY: replaces the baseline's notify.minSeverity. */
  readonly minSeverity?: Severity | undefined;
}

/** The baseline with the deployment's overrides applied; the same object when none changes anything. */
export function withOverrides(baseline: Baseline, overrides: BaselineOverrides): Baseline {
  let result = baseline;
  const role = overrides.ownRole;
  if (role !== undefined && !result.ownRoles.includes(role)) {
    result = { ...result, ownRoles: [...result.ownRoles, role] };
  }
  const severity = overrides.minSeverity;
  if (severity !== undefined && severity !== result.notify.minSeverity) {
    result = { ...result, notify: { ...result.notify, minSeverity: severity } };
  }
  return result;
}

/** The baseline as the functions see it: read from GUARDRAIL_BASELINE, cached, overrides applied. */
export function baselineFromEnv(logger: Pick<Logger, 'warn'>, env?: Env): () => Promise<Baseline> {
  const load = createBaselineLoader(baselineSource(env), {
    cacheSeconds: baselineCacheSeconds(env),
    onStaleRefreshError: (message) =>
      logger.warn('baseline refresh failed; keeping the last good one', { error: message }),
  });
  const overrides: BaselineOverrides = {
    ownRole: functionRole(env)?.roleName,
    minSeverity: minSeverity(env),
  };
  // One derived baseline per loaded one, so the cache keeps handing out the same object.
  const derived = new WeakMap<Baseline, Baseline>();
  return async () => {
    const baseline = await load();
    let effective = derived.get(baseline);
    if (!effective) {
      effective = withOverrides(baseline, overrides);
      derived.set(baseline, effective);
    }
    return effective;
  };
}
