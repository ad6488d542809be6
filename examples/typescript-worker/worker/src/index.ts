/**
 * POST /greet {"name": "Ada"} → {"greeting": "Hello, Ada!"}; anything else → the HTML page.
 */
import * as z from "zod/mini";
import page from "./page.html";
import type { Env } from "./env";

const greetRequest = z.object({ name: z.string().check(z.trim(), z.minLength(1), z.maxLength(40)) });

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (request.method === "POST" && url.pathname === "/greet") {
      const parsed = greetRequest.safeParse(await request.json().catch(() => undefined));
      if (!parsed.success) return Response.json({ error: 'expected {"name": "…"} with 1 to 40 characters' }, { status: 400 });
      return Response.json({ greeting: `${env.GREETING}, ${parsed.data.name}!` });
    }
    return new Response(page, { headers: { "content-type": "text/html; charset=utf-8" } });
  },
};
