/**
 * The DispatchNamespace class a program uses: what Pulumi stores as its `__provider` (the small lazy-require
 * object naming dispatchNamespaceProvider, which the installed provider package exports), and its type token.
 */
import * as pulumi from "@pulumi/pulumi";
import * as provider from "../../provider";
import { DispatchNamespace } from "../../sdk";

interface Registered {
  type: string;
  inputs: Record<string, unknown>;
}

describe("DispatchNamespace in a program", () => {
  const registered: Registered[] = [];

  beforeAll(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource(args) {
          registered.push({ type: args.type, inputs: args.inputs });
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: (args) => args.inputs,
      },
      "proj",
      "dev",
      false,
    );
    new DispatchNamespace("customers", { name: "customers", adopt: true });
    await new Promise((resolve) => setTimeout(resolve, 200));
  });

  it("registers under its own dynamic type with the inputs as given", () => {
    expect(registered.map((r) => r.type)).toEqual(["pulumi-nodejs:dynamic/cloudflare-workers:DispatchNamespace"]);
    expect(registered[0]!.inputs).toMatchObject({ name: "customers", adopt: true });
  });

  it("stores a small provider that requires dispatchNamespaceProvider from the installed package", () => {
    const text = registered[0]!.inputs.__provider as string;
    expect(text.length).toBeLessThan(4000);
    expect(text).toContain('require("pulumi-cloudflare-workers/provider")');
    expect(text).toContain("dispatchNamespaceProvider");
    expect(Object.keys(provider.dispatchNamespaceProvider).sort()).toEqual(["check", "create", "delete", "diff", "read", "update"]);
  });
});
