/** A Notifier that keeps what it would have sent: for tests, the demo's previews and dry runs. */
import type { Finding } from '../core/types.ts';
import type { Delivery, Notifier } from './notifier.ts';
import { renderDigest, renderEvent } from './render.ts';
import type { Digest, RenderedMessage } from './types.ts';

export interface SentMessage {
  readonly rendered: RenderedMessage;
  readonly findings: readonly Finding[];
}

export class InMemoryNotifier implements Notifier {
  readonly sent: SentMessage[] = [];

  async notifyEvent(findings: readonly Finding[]): Promise<Delivery> {
    return this.#keep(renderEvent(findings), findings);
  }

  async digest(digest: Digest): Promise<Delivery> {
    return this.#keep(renderDigest(digest), digest.findings);
  }

  #keep(rendered: RenderedMessage, findings: readonly Finding[]): Delivery {
    this.sent.push({ rendered, findings });
    return {
      messageId: `memory-${this.sent.length}`,
      subject: rendered.subject,
      shown: rendered.shown,
      omitted: rendered.omitted,
    };
  }
}
