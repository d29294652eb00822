/** The shapes notifications are made of: an AWS Chatbot custom notification, an email body, SNS attributes. */
import type { Finding } from '../core/types.ts';

/**
 * AWS Chatbot (Amazon Q Developer in chat applications) custom notification, the documented event schema:
 * Slack and Teams render it when it is the `default` of an SNS message.
 */
export interface ChatbotNotification {
  readonly version: '1.0';
  readonly source: 'custom';
  readonly id?: string;
  readonly content: {
    readonly textType: 'client-markdown';
    readonly title: string;
    readonly description: string;
    readonly nextSteps: readonly string[];
    readonly keywords: readonly string[];
  };
  readonly metadata: {
    readonly threadId: string;
    readonly summary: string;
    readonly eventType: string;
    readonly relatedResources: readonly string[];
    readonly additionalContext: Readonly<Record<string, string>>;
  };
}

export interface MessageAttribute {
  readonly DataType: 'String' | 'String.Array' | 'Number';
  readonly StringValue: string;
}

/** One SNS message, rendered for every protocol. */
export interface RenderedMessage {
  readonly subject: string;
  readonly chat: ChatbotNotification;
  readonly email: string;
  readonly attributes: Readonly<Record<string, MessageAttribute>>;
  /** Findings in the message, and findings left out to respect SNS's size limit (digests only). */
  readonly shown: number;
  readonly omitted: number;
}

/** Many findings as one message: the orphan sweep's run, a replay's report. */
export interface Digest {
  /** Stable id of the run (scheduled event id, replay id): the chat thread and message id derive from it. */
  readonly id: string;
  /** `sweep`, `replay`: the Chatbot eventType and a message attribute. */
  readonly kind: string;
  /** One line, e.g. `Orphan sweep of 123456789012: 3 findings`. */
  readonly title: string;
  /** A few sentences on what ran and what it covered. */
  readonly intro: string;
  readonly findings: readonly Finding[];
  /** Extra lines worth knowing (users that could not be read, suppressed counts, a report location). */
  readonly notes?: readonly string[];
}
