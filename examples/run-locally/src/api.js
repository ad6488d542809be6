// The API Worker: greets with its bindings, proves it holds the secret (a hash, never the value), counts
// visits through the counter Worker, and remembers the last cron that ran it.
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(env.API_TOKEN ?? ""));
    const tokenHash = [...new Uint8Array(digest).slice(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join("");
    const visits = await (await env.COUNTER.fetch("https://counter/increment", { method: "POST" })).text();
    return Response.json({
      message: `${env.GREETING}${env.CONFIG.punctuation}`,
      path: url.pathname,
      tokenSha256: tokenHash,
      visits: Number(visits),
      // Written by the counter Worker, read here: both bind the same KV namespace id.
      visitsInSharedKv: Number(await env.CACHE.get("visits")),
      lastCron: await env.CACHE.get("last-cron"),
      version: env.VERSION.id,
    });
  },
  async scheduled(controller, env) {
    await env.CACHE.put("last-cron", controller.cron);
  },
};
