import {
  addSecretOutputs,
  annotateSecrets,
  makeCiphertextMarker,
  markSecrets,
  SECRET_SIG,
  SIG_KEY,
  unwrapSecrets,
  wrapSecrets,
} from "./secrets";
import { deletionOrder, type ResourceState } from "./state";
import { programConfigEnv } from "./program-runner";

const secret = (value: unknown): Record<string, unknown> => ({ [SIG_KEY]: SECRET_SIG, value });

describe("secret paths (how the engine remembers where secrets are)", () => {
  it("unwraps secret markers into plain values and their paths, and wraps them back the same way", () => {
    const wire = { token: secret("t0k"), plain: "x", nested: { deep: secret(1) }, list: ["a", secret("b")] };
    const { plain, paths } = unwrapSecrets(wire);
    expect(plain).toEqual({ token: "t0k", plain: "x", nested: { deep: 1 }, list: ["a", "b"] });
    expect(paths).toEqual([["token"], ["nested", "deep"], ["list", "1"]]);
    expect(wrapSecrets(plain, paths)).toEqual(wire);
  });

  it("marks an output secret when the input under the same key holds a secret", () => {
    const paths = annotateSecrets({ text: "s", name: "n", extra: "e" }, [], { text: "s", name: "n" }, [["text"]]);
    expect(paths).toEqual([["text"]]);
  });

  it("recurses into objects present on both sides, but marks a whole array that holds one secret", () => {
    const outs = { settings: { key: "k", open: 1 }, bindings: [{ name: "A" }, { name: "B", text: "s" }] };
    const ins = { settings: { key: "k", open: 1 }, bindings: [{ name: "A" }, { name: "B", text: "s" }] };
    const paths = annotateSecrets(outs, [], ins, [
      ["settings", "key"],
      ["bindings", "1", "text"],
    ]);
    expect(paths).toEqual([["bindings"], ["settings", "key"]]);
  });

  it("leaves a new output derived from a secret in plain text unless additionalSecretOutputs names it", () => {
    const outs = { password: "p", fingerprint: "fp:p" };
    const annotated = annotateSecrets(outs, [], { password: "p" }, [["password"]]);
    expect(annotated).toEqual([["password"]]);
    expect(addSecretOutputs(outs, annotated, ["fingerprint", "absent"])).toEqual([["fingerprint"], ["password"]]);
  });

  it("renders secrets as ciphertext markers that never contain the value", () => {
    const mark = makeCiphertextMarker(Buffer.alloc(32, 7));
    const text = JSON.stringify(markSecrets({ a: "visible", b: "hunter2" }, [["b"]], mark));
    expect(text).toContain("visible");
    expect(text).not.toContain("hunter2");
    expect(text).toContain(SECRET_SIG);
  });
});

describe("deletion order", () => {
  const resource = (urn: string, dependencies: string[] = [], parent = ""): ResourceState => ({
    urn,
    type: "pulumi-nodejs:dynamic:T",
    name: urn,
    custom: true,
    parent,
    id: urn,
    inputs: {},
    inputSecretPaths: [],
    outputs: {},
    outputSecretPaths: [],
    secretOutputKeys: [],
    dependencies,
    propertyDependencies: {},
    additionalSecretOutputs: [],
    deleteBeforeReplace: false,
    protect: false,
  });

  it("deletes dependents and children before what they depend on, otherwise newest first", () => {
    const order = deletionOrder([resource("a"), resource("b", ["a"]), resource("c"), resource("d", [], "c"), resource("e", ["b"])]);
    expect(order.map((r) => r.urn)).toEqual(["e", "d", "c", "b", "a"]);
  });

  it("respects a dependency even when the dependent was created first", () => {
    const order = deletionOrder([resource("late-dependent", ["z"]), resource("z")]);
    expect(order.map((r) => r.urn)).toEqual(["late-dependent", "z"]);
  });
});

describe("program config", () => {
  it("is passed as Pulumi passes it: PULUMI_CONFIG with project-qualified keys, secret keys listed apart", () => {
    const env = programConfigEnv({
      project: "demo",
      config: { name: "w", "cloudflare-workers:accountId": "acc" },
      secretConfig: { token: "s" },
    });
    expect(JSON.parse(env.PULUMI_CONFIG!)).toEqual({ "demo:name": "w", "cloudflare-workers:accountId": "acc", "demo:token": "s" });
    expect(JSON.parse(env.PULUMI_CONFIG_SECRET_KEYS!)).toEqual(["demo:token"]);
  });
});
