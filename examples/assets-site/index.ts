/**
 * Example 4: static assets.
 *
 * - `docs`: an assets-only Worker (no code): the files of `public/` served as they are, `404.html` for
 *   unknown paths, `_headers` and `_redirects` applied, `.assetsignore` keeping drafts and source maps out.
 *   Only files that changed are uploaded on an update; the preview says how many were added, changed, removed.
 * - `app`: a single-page app whose Worker runs first for `/api/*` and reaches its files through the ASSETS
 *   binding; every other path is served from `app/public/` (unknown paths get `index.html`).
 *
 * Config: `docsDir` (default: public/ beside this file), `docsName` (default "docs"), `appName` (default "app").
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { WorkerScript } from "pulumi-cloudflare-workers";

const config = new pulumi.Config();

const docs = new WorkerScript("docs", {
  scriptName: config.get("docsName") ?? "docs",
  compatibilityDate: "2025-09-01",
  assets: {
    directory: config.get("docsDir") ?? path.join(__dirname, "public"),
    config: { htmlHandling: "auto-trailing-slash", notFoundHandling: "404-page" },
  },
});

const app = new WorkerScript("app", {
  scriptName: config.get("appName") ?? "app",
  modules: { "index.js": { path: path.join(__dirname, "app", "src", "index.js") } },
  mainModule: "index.js",
  compatibilityDate: "2025-09-01",
  bindings: [{ type: "assets", name: "ASSETS" }],
  assets: {
    directory: path.join(__dirname, "app", "public"),
    config: { notFoundHandling: "single-page-application", runWorkerFirst: ["/api/*"] },
  },
});

export const docsName = docs.scriptName;
export const appName = app.scriptName;
