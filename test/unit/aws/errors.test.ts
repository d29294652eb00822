import { describe, expect, it } from 'vitest';
import {
  awsErrorName,
  classifyAwsError,
  describeAwsError,
  isTransientAwsError,
} from '../../../src/aws/errors.ts';
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

  it.each([
    ['Throttling', throttled(), 'throttled'],
    ['SlowDown (S3)', sdkError('SlowDown', 'slow down', 503), 'throttled'],
    ['any 429', sdkError('Whatever', 'too many', 429), 'throttled'],
    ['a 5xx', serverError(), 'transient'],
    ['a network reset', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'transient'],
    ['AccessDenied', accessDenied('iam:TagUser'), 'denied'],
    ['UnauthorizedOperation (EC2)', sdkError('UnauthorizedOperation', 'no', 403), 'denied'],
    ['an expired token', sdkError('ExpiredToken', 'expired', 403), 'denied'],
    ['NoSuchEntity (IAM)', sdkError('NoSuchEntity', 'gone', 404), 'not-found'],
    ['InvalidInstanceID.NotFound (EC2)', sdkError('InvalidInstanceID.NotFound', 'gone'), 'not-found'],
    ['NoSuchKey (S3)', sdkError('NoSuchKey', 'gone', 404), 'not-found'],
    ['ParameterNotFound (SSM)', sdkError('ParameterNotFound', 'gone'), 'not-found'],
    ['a validation error', sdkError('ValidationError', 'bad', 400), 'other'],
    ['a limit', sdkError('LimitExceeded', 'too many users', 409), 'other'],
    ['not an error at all', 'weird', 'other'],
  ])('%s is %s', (_name, error, kind) => {
    expect(classifyAwsError(error)).toBe(kind);
  });

  it('describes an error in one line, without stack or newlines', () => {
    const error = sdkError('AccessDenied', 'line one\nline two', 403);
    expect(describeAwsError(error)).toBe('AccessDenied: line one line two');
    expect(awsErrorName(error)).toBe('AccessDenied');
    expect(describeAwsError('weird')).toBe('Error: weird');
  });

  it("says a reply was not AWS's, not the XML parser's complaint (moto's answer to a call it lacks)", () => {
    // What the SDK throws when an endpoint answers GetInstanceMetadataDefaults with an HTML page (moto 5).
    const error = Object.assign(
      new Error(
        '@aws-sdk XML parse error: mismatched tags <html> and </title>.\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.',
      ),
      { $metadata: { httpStatusCode: 500 } },
    );
    expect(describeAwsError(error)).toBe(
      'HTTP 500: the reply is not an AWS API reply (the endpoint may not serve this call)',
    );
  });
});
