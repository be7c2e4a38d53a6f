import { defineJob } from '../definition.ts';

/**
 * One attempt at one webhook delivery. The outbox decides everything else (whose turn it is,
 * the claim that keeps other workers from sending it too, the backoff, queueing the retry or the
 * hook's next event), so the job itself never retries.
 */
export const deliverWebhookJob = defineJob({
  name: 'deliver-webhook',
  needs: ['webhooks'],
  concurrency: 4,
  // Longer than a delivery's claim (request timeout + 1 min): when a worker dies mid-send, the
  // job runs again elsewhere after this, finds the claim run out and sends the delivery.
  lockLifetimeMs: 5 * 60_000,
  async run(context, { webhooks }) {
    const outcome = await webhooks.deliver(context.payload.deliveryId);
    context.logger.debug({ delivery_id: context.payload.deliveryId, outcome }, 'webhook delivery attempt');
  },
});
