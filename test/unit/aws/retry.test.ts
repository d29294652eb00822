/**
 * The handlers' SDK retry settings against a real HTTP server: throttling and 5xx are retried with backoff
 * by the SDK itself; what still fails after the last attempt reaches guardrail as a transient error.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IAMClient, TagUserCommand } from '@aws-sdk/client-iam';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLIENT_CONFIG } from '../../../src/aws/clientConfig.ts';
import { isTransientAwsError } from '../../../src/aws/errors.ts';

const THROTTLED = `<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r</RequestId></ErrorResponse>`;
const TAGGED = `<TagUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></TagUserResponse>`;
const PUBLISHED = `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-1</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>`;

let server: Server;
let endpoint = '';
let requests = 0;
let failures = 0;
let failure: { status: number; body: string } = { status: 400, body: THROTTLED };
let success = TAGGED;

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      requests += 1;
      const failing = requests <= failures;
      response.writeHead(failing ? failure.status : 200, { 'content-type': 'text/xml' });
      response.end(failing ? failure.body : success);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  requests = 0;
});

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

describe('SDK retry settings of the handlers', () => {
  // Throttling backs off from 500 ms (5xx from 100 ms): one throttle keeps the test short.
  it('retries IAM throttling with backoff until it succeeds', async () => {
    failures = 1;
    failure = { status: 400, body: THROTTLED };
    success = TAGGED;
    const iam = new IAMClient({ ...CLIENT_CONFIG, endpoint, region: 'us-east-1', credentials });
    await iam.send(new TagUserCommand({ UserName: 'u', Tags: [{ Key: 'k', Value: 'v' }] }));
    expect(requests).toBe(2);
  });

  it('retries SNS 503s until it succeeds', async () => {
    failures = 3;
    failure = { status: 503, body: 'Service Unavailable' };
    success = PUBLISHED;
    const sns = new SNSClient({ ...CLIENT_CONFIG, endpoint, region: 'us-east-1', credentials });
    const reply = await sns.send(
      new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', Message: 'm' }),
    );
    expect(reply.MessageId).toBe('m-1');
    expect(requests).toBe(4);
  });

  it(`gives up after ${CLIENT_CONFIG.maxAttempts} attempts with an error guardrail sees as transient`, async () => {
    failures = 100;
    failure = { status: 500, body: THROTTLED.replace('Throttling', 'InternalFailure') };
    const iam = new IAMClient({ ...CLIENT_CONFIG, endpoint, region: 'us-east-1', credentials });
    const error = await iam.send(new TagUserCommand({ UserName: 'u', Tags: [] })).catch((e: unknown) => e);
    expect((error as Error).name).toBe('InternalFailure');
    expect(isTransientAwsError(error)).toBe(true);
    expect(requests).toBe(CLIENT_CONFIG.maxAttempts);
  });
});

describe('one retry layer', () => {
  it('builds every SDK client of the functions, the CLI and src/ with CLIENT_CONFIG', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const root = new URL('../../../', import.meta.url);
    const files = ['handlers', 'src'].flatMap((dir) =>
      readdirSync(new URL(dir, root), { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && e.name.endsWith('.ts'))
        .map((e) => `${e.parentPath}/${e.name}`),
    );
    const unconfigured: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/new (\w+Client)\(([^)]*)\)?/g)) {
        if (!match[2]?.includes('CLIENT_CONFIG')) unconfigured.push(`${file}: ${match[0]}`);
      }
    }
    expect(unconfigured).toEqual([]);
  });
});
