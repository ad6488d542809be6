/** Shared helpers of the emulator tests: requests over real HTTP with undici, and the forms they send. */
import { FormData, request } from "undici";
import { DEFAULT_EMULATOR_TOKEN, type Emulator } from "../../emulator";
import { ACCOUNT } from "../support";

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON when the answer is JSON. */
  json: any;
  raw: Buffer;
}

export interface CallOptions {
  json?: unknown;
  form?: FormData;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Replace the default auth header (Bearer DEFAULT_EMULATOR_TOKEN); `{}` sends none. */
  auth?: Record<string, string>;
}

export class TestApi {
  constructor(readonly emulator: Emulator) {}

  /** `path` is relative to `/client/v4/accounts/<ACCOUNT>` unless it starts with `//` (then relative to /client/v4). */
  async call(method: string, path: string, options: CallOptions = {}): Promise<ApiResponse> {
    const url = path.startsWith("//") ? `${this.emulator.url}${path.slice(1)}` : `${this.emulator.url}/accounts/${ACCOUNT}${path}`;
    const headers: Record<string, string> = {
      ...(options.auth ?? { authorization: `Bearer ${DEFAULT_EMULATOR_TOKEN}` }),
      ...options.headers,
    };
    let body: string | Buffer | FormData | undefined = options.body;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers["content-type"] = "application/json";
    }
    if (options.form !== undefined) body = options.form;
    const res = await request(url, { method: method as "GET", headers, body });
    const raw = Buffer.from(await res.body.arrayBuffer());
    const type = String(res.headers["content-type"] ?? "");
    return {
      status: res.statusCode,
      headers: res.headers,
      raw,
      json: type.includes("application/json") ? JSON.parse(raw.toString("utf8")) : undefined,
    };
  }
}

export interface ModuleSpec {
  name: string;
  content: string | Buffer;
  type?: string;
}

export const WORKER_JS = `export default {\n  async fetch(request, env) {\n    return new Response("hello");\n  },\n  async scheduled(event, env) {}\n};\n`;

/** An upload form: `metadata` plus one part per module (name = filename = module name). */
export function uploadForm(
  metadata: Record<string, unknown>,
  modules: ModuleSpec[] = [{ name: "index.js", content: WORKER_JS }],
): FormData {
  const form = new FormData();
  form.set("metadata", JSON.stringify({ main_module: modules[0]?.name, ...metadata }));
  for (const m of modules) {
    form.set(m.name, new Blob([m.content], { type: m.type ?? "application/javascript+module" }), m.name);
  }
  return form;
}

export function settingsForm(settings: Record<string, unknown>): FormData {
  const form = new FormData();
  form.set("settings", new Blob([JSON.stringify(settings)], { type: "application/json" }));
  return form;
}

/** Uploads a Worker and checks it succeeded; `scripts` is the scripts collection path (account by default). */
export async function deploy(
  api: TestApi,
  name: string,
  metadata: Record<string, unknown> = {},
  modules?: ModuleSpec[],
  scripts = "/workers/scripts",
): Promise<ApiResponse> {
  const res = await api.call("PUT", `${scripts}/${name}`, { form: uploadForm({ compatibility_date: "2025-01-01", ...metadata }, modules) });
  if (res.status !== 200) throw new Error(`upload of ${name} failed: ${res.status} ${res.raw.toString()}`);
  return res;
}
