// The counter Worker: keeps a visit count in the KV namespace it shares with the API Worker.
export default {
  async fetch(request, env) {
    const visits = Number((await env.STORE.get("visits")) ?? "0") + (request.method === "POST" ? 1 : 0);
    if (request.method === "POST") await env.STORE.put("visits", String(visits));
    return new Response(String(visits));
  },
};
