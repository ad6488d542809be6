export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/legacy/"))
      return Response.redirect(`https://${url.hostname.replace(/^(?!www\.)/, "www.")}/${url.pathname.slice(8)}`, 301);
    return new Response(`<h1>Served by a Worker on ${url.hostname}</h1>`, { headers: { "content-type": "text/html; charset=utf-8" } });
  },
  async scheduled(controller) {
    console.log(`nightly job for ${controller.cron} at ${new Date(controller.scheduledTime).toISOString()}`);
  },
};
