import { fromWire, toWire } from "../../provider/resources/case";
import { BINDING_TYPES, bindingInputListSchema } from "../../provider/cloudflare/schemas";
import { EVERY_BINDING } from "../fixtures/bindings";

describe("camelCase ↔ wire mapping", () => {
  it("covers every binding type the schemas know (inherit is the provider's own)", () => {
    expect(new Set(EVERY_BINDING.map((b) => b.type))).toEqual(new Set(BINDING_TYPES.filter((t) => t !== "inherit")));
  });

  it("maps every binding to a wire shape the strict input schema accepts", () => {
    const parsed = bindingInputListSchema.safeParse(toWire(EVERY_BINDING));
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it("returns the input after a round trip", () => {
    expect(fromWire(toWire(EVERY_BINDING))).toEqual(EVERY_BINDING);
  });

  it("renames nested keys but leaves JSON data and WebCrypto parameters as written", () => {
    const wire = toWire<Record<string, unknown>[]>(EVERY_BINDING);
    expect(wire.find((b) => b.name === "CACHE")).toEqual({
      type: "kv_namespace",
      name: "CACHE",
      namespace_id: "0123456789abcdef0123456789abcdef",
    });
    expect(wire.find((b) => b.name === "CONFIG")!.json).toEqual({ featureFlags: { newUi: true }, snake_key: 1 });
    expect(wire.find((b) => b.name === "SIGNING_KEY")!.algorithm).toEqual({ name: "HMAC", hash: "SHA-256" });
    expect(wire.find((b) => b.name === "DISPATCHER")!.outbound).toEqual({
      worker: { service: "outbound" },
      params: [{ name: "customer" }],
    });
  });

  it("maps annotations to the API's slash-separated keys and back", () => {
    expect(toWire({ annotations: { workersMessage: "fix", workersTag: "v1" } })).toEqual({
      annotations: { "workers/message": "fix", "workers/tag": "v1" },
    });
    expect(fromWire({ annotations: { "workers/message": "fix", "workers/triggered_by": "upload" } })).toEqual({
      annotations: { workersMessage: "fix", workersTriggeredBy: "upload" },
    });
  });

  it("leaves keys already written in snake_case as they are", () => {
    expect(toWire({ namespace_id: "x", cpuMs: 5 })).toEqual({ namespace_id: "x", cpu_ms: 5 });
  });
});
