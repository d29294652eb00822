export { InMemoryNotifier } from './memory.ts';
export type { Delivery, Notifier } from './notifier.ts';
export { shouldNotify } from './notifier.ts';
export { renderDigest, renderFinding, SNS_MAX_BYTES, snsMessage, snsSize } from './render.ts';
export type { ChatbotNotification, Digest, MessageAttribute, RenderedMessage } from './types.ts';
