import { greet } from "./lib/greet.js";

export default {
  async fetch(request, env) {
    const name = new URL(request.url).searchParams.get("name") ?? "world";
    const cached = await env.CACHE.get(name);
    if (cached) return new Response(cached);
    const body = greet(env.GREETING, name, env.CONFIG.punctuation);
    await env.CACHE.put(name, body, { expirationTtl: 60 });
    return new Response(body, { headers: { "x-version": env.VERSION.id } });
  },
  // Run by the cron trigger: forget the cached greetings.
  async scheduled(controller, env) {
    const { keys } = await env.CACHE.list();
    await Promise.all(keys.map((key) => env.CACHE.delete(key.name)));
  },
};
