/** SDK-shaped errors for aws-sdk-client-mock rejections: name, fault and HTTP status as the SDK sets them. */

export interface SdkError extends Error {
  $fault: 'client' | 'server';
  $metadata: { httpStatusCode: number };
}

export function sdkError(name: string, message: string, httpStatusCode = 400): SdkError {
  const error = new Error(message) as SdkError;
  error.name = name;
  error.$fault = httpStatusCode >= 500 ? 'server' : 'client';
  error.$metadata = { httpStatusCode };
  return error;
}

export const accessDenied = (action: string): SdkError =>
  sdkError(
    'AccessDenied',
    `User: arn:aws:sts::123456789012:assumed-role/guardrail-prod-remediator/x is not authorized to perform: ${action}`,
    403,
  );
export const throttled = (): SdkError => sdkError('Throttling', 'Rate exceeded', 400);
export const serverError = (): SdkError =>
  sdkError('InternalFailure', 'We encountered an internal error', 500);
