// Accepts an order over HTTP and puts it on the queue; the consumer Worker takes it from there.
export default {
  async fetch(request, env) {
    if (request.method !== "POST") return new Response("POST an order as JSON\n", { status: 405 });
    const order = await request.json();
    await env.JOBS.send(order);
    return Response.json({ queued: true }, { status: 202 });
  },
};
