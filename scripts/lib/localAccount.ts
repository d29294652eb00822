/**
 * The AWS side of an integration test or the demo, on moto: the SNS topic with an SQS queue subscribed
 * (to read what was published), the idempotency table, and the environment the handlers need.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { ChatbotNotification } from '../../src/notify/types.ts';
import type { Moto } from './moto.ts';
import { MOTO_ENV } from './moto.ts';

export const IDEMPOTENCY_TABLE = 'guardrail-idempotency';

export interface Published {
  readonly subject: string;
  /** The `default` body (the AWS Chatbot notification), parsed. */
  readonly chat: ChatbotNotification;
  readonly attributes: Record<string, { Type: string; Value: string }>;
}

/** A message exactly as it was published to the topic (moto keeps them): every protocol's body. */
export interface TopicMessage {
  readonly subject: string;
  readonly bodies: Readonly<Record<string, string>>;
  readonly attributes: Readonly<Record<string, { Type: string; Value: string }>>;
}

export interface LocalAccount {
  readonly iam: IAMClient;
  readonly sns: SNSClient;
  readonly dynamo: DynamoDBClient;
  ec2(region: string): EC2Client;
  readonly topicArn: string;
  /** The environment every handler runs with, pointing the SDK at moto. */
  readonly env: Readonly<Record<string, string>>;
  /** Everything published since the last call (read through the SQS subscription). */
  drain(): Promise<Published[]>;
  /** Every message published to the topic so far, with all its protocol bodies (moto's own record). */
  topicMessages(): Promise<TopicMessage[]>;
}

export async function localAccount(moto: Moto): Promise<LocalAccount> {
  const base = {
    endpoint: moto.endpoint,
    region: MOTO_ENV.AWS_REGION,
    credentials: { accessKeyId: MOTO_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_ENV.AWS_SECRET_ACCESS_KEY },
  };
  const iam = new IAMClient(base);
  const sns = new SNSClient(base);
  const sqs = new SQSClient(base);
  const dynamo = new DynamoDBClient(base);
  const topicArn =
    (await sns.send(new CreateTopicCommand({ Name: 'guardrail-notifications' }))).TopicArn ?? '';
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'guardrail-inbox' }))).QueueUrl ?? '';
  const queueArn =
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] })))
      .Attributes?.QueueArn ?? '';
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn }));
  await dynamo.send(
    new CreateTableCommand({
      TableName: IDEMPOTENCY_TABLE,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const ec2Clients = new Map<string, EC2Client>();
  return {
    iam,
    sns,
    dynamo,
    topicArn,
    ec2(region) {
      const client = ec2Clients.get(region) ?? new EC2Client({ ...base, region });
      ec2Clients.set(region, client);
      return client;
    },
    env: {
      ...MOTO_ENV,
      AWS_ENDPOINT_URL: moto.endpoint,
      GUARDRAIL_TOPIC_ARN: topicArn,
      GUARDRAIL_IDEMPOTENCY_TABLE: IDEMPOTENCY_TABLE,
      // moto 5 applies ModifyInstanceMetadataOptions even with DryRun set: probing would not be a dry run.
      GUARDRAIL_DRY_RUN_PROBE: 'false',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    },
    async topicMessages() {
      const data = (await (await fetch(`${moto.endpoint}/moto-api/data.json`)).json()) as {
        sns?: {
          Topic?: {
            arn: string;
            sent_notifications: [string, string, string, TopicMessage['attributes']][];
          }[];
        };
      };
      const topic = data.sns?.Topic?.find((t) => t.arn === topicArn);
      return (topic?.sent_notifications ?? []).map(([, message, subject, attributes]) => ({
        subject,
        bodies: JSON.parse(message) as Record<string, string>,
        attributes: attributes ?? {},
      }));
    },
    async drain() {
      const published: Published[] = [];
      for (;;) {
        const reply = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
        );
        const messages = reply.Messages ?? [];
        if (messages.length === 0) return published;
        for (const message of messages) {
          const envelope = JSON.parse(message.Body ?? '{}') as {
            Subject: string;
            Message: string;
            MessageAttributes?: Published['attributes'];
          };
          published.push({
            subject: envelope.Subject,
            chat: JSON.parse(envelope.Message),
            attributes: envelope.MessageAttributes ?? {},
          });
        }
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
          }),
        );
      }
    },
  };
}
