/** The one write that carries each kind of WorkerScript update. */
import { scriptWrite } from "../../provider/resources/script-writes";

const none = { codeChanged: false, configFields: [], assetsChanged: false, hasAssets: false };

describe("scriptWrite", () => {
  it.each([
    ["nothing", none, { kind: "none" }],
    ["code only", { ...none, codeChanged: true }, { kind: "content" }],
    ["configuration only", { ...none, configFields: ["bindings", "compatibilityFlags"] }, { kind: "settings", fields: ["bindings", "compatibilityFlags"] }],
    ["migrations only", { ...none, configFields: ["migrations"] }, { kind: "settings", fields: ["migrations"] }],
    ["code and flags and a binding", { ...none, codeChanged: true, configFields: ["bindings", "compatibilityFlags"] }, { kind: "upload", reason: "code and configuration" }],
    ["code and migrations", { ...none, codeChanged: true, configFields: ["migrations"] }, { kind: "upload", reason: "code and configuration" }],
    ["assets", { ...none, assetsChanged: true, hasAssets: true }, { kind: "upload", reason: "assets" }],
    ["code of a Worker with assets", { ...none, codeChanged: true, hasAssets: true }, { kind: "upload", reason: "assets" }],
    ["configuration of a Worker with assets", { ...none, configFields: ["bindings"], hasAssets: true }, { kind: "settings", fields: ["bindings"] }],
  ])("%s", (_label, change, write) => {
    expect(scriptWrite(change)).toEqual(write);
  });
});
