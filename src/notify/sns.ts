/** SNS transport: one Publish per message, MessageStructure json (chat `default`, plain `email`). */
import type { SNSClient } from '@aws-sdk/client-sns';
import { PublishCommand } from '@aws-sdk/client-sns';
import { describeAwsError } from '../aws/errors.ts';
import { NotifyError } from '../core/errors.ts';
import type { Finding } from '../core/types.ts';
import type { Delivery, Notifier } from './notifier.ts';
import { renderDigest, renderEvent, snsMessage } from './render.ts';
import type { Digest, RenderedMessage } from './types.ts';

export class SnsNotifier implements Notifier {
  readonly #sns: SNSClient;
  readonly #topicArn: string;

  constructor(sns: SNSClient, topicArn: string) {
    this.#sns = sns;
    this.#topicArn = topicArn;
  }

  notifyEvent(findings: readonly Finding[]): Promise<Delivery> {
    return this.#publish(renderEvent(findings));
  }

  digest(digest: Digest): Promise<Delivery> {
    return this.#publish(renderDigest(digest));
  }

  async #publish(rendered: RenderedMessage): Promise<Delivery> {
    try {
      const reply = await this.#sns.send(
        new PublishCommand({
          TopicArn: this.#topicArn,
          Subject: rendered.subject,
          Message: snsMessage(rendered),
          MessageStructure: 'json',
          MessageAttributes: rendered.attributes,
        }),
      );
      return {
        messageId: reply.MessageId ?? '',
        subject: rendered.subject,
        shown: rendered.shown,
        omitted: rendered.omitted,
      };
    } catch (error) {
      throw new NotifyError(`sns: publish to ${this.#topicArn}: ${describeAwsError(error)}`, {
        cause: error,
      });
    }
  }
}
