// Drains the queue in batches, starting one Workflow instance per order; the Workflow's steps are retried
// and resumed by Cloudflare.
import { WorkflowEntrypoint } from "cloudflare:workers";

export class FulfilWorkflow extends WorkflowEntrypoint {
  async run(event, step) {
    const order = event.payload;
    const reserved = await step.do("reserve stock", async () => ({ orderId: order.id, reserved: true }));
    await step.sleep("wait for payment to settle", "1 minute");
    return step.do("ship", async () => ({ ...reserved, shipped: true }));
  }
}

export default {
  async queue(batch, env) {
    for (const message of batch.messages) {
      await env.FULFIL.create({ params: message.body });
      message.ack();
    }
  },
};
