import { describe, expect, it } from 'vitest';
import { awsErrorName, describeAwsError, isTransientAwsError } from '../../../src/actions/awsError.ts';
import { accessDenied, sdkError, serverError, throttled } from '../../helpers/awsErrors.ts';

describe('SDK error reading', () => {
  it.each([
    ['Throttling', throttled(), true],
    ['a 5xx', serverError(), true],
    ['a 503 whatever its name', sdkError('ServiceUnavailableException', 'busy', 503), true],
    [
      'RequestLimitExceeded (EC2 throttling)',
      sdkError('RequestLimitExceeded', 'Request limit exceeded.'),
      true,
    ],
    ['a network reset', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true],
    ['AccessDenied', accessDenied('iam:TagUser'), false],
    ['NoSuchEntity', sdkError('NoSuchEntity', 'gone', 404), false],
    ['a validation error', sdkError('ValidationError', 'bad', 400), false],
    ['a plain Error', new Error('boom'), false],
  ])('%s transient: %s', (_name, error, transient) => {
    expect(isTransientAwsError(error)).toBe(transient);
  });

  it('describes an error in one line, without stack or newlines', () => {
    const error = sdkError('AccessDenied', 'line one\nline two', 403);
    expect(describeAwsError(error)).toBe('AccessDenied: line one line two');
    expect(awsErrorName(error)).toBe('AccessDenied');
    expect(describeAwsError('weird')).toBe('Error: weird');
  });
});
