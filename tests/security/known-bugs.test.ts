/**
 * Bad input that check lets through, kept visible with `it.failing` until fixed (then flip each to `it` and
 * move the case into bad-input-catalogue.test.ts).
 */
import type { Emulator } from "../../emulator";
import { workerScriptProvider } from "../../provider/resources/worker-script";
import { newRun, startTestEmulator } from "../resources/helpers";

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.reset();
  newRun();
});

describe("known bugs: bad input that check accepts", () => {
  // moduleNameProblem (provider/resources/modules.ts) accepts "metadata"; the upload form builder refuses it
  // (the part name is taken by the metadata), so the error comes from create, after the existence GET, as a
  // bare TypeError instead of a check failure that `pulumi preview` would show.
  it("a module named metadata is refused by check, naming modules", async () => {
    const news = { scriptName: "api", modules: { metadata: { content: "x", type: "text" }, "index.js": { content: "export default {}" } }, mainModule: "index.js" };
    const result = await workerScriptProvider.check({}, news);
    expect((result.failures ?? []).map((f) => f.property)).toContain("modules");
  });

  // migrationsSchema is a union of loose objects: `{ newTag, steps: "x" }` fails the first branch
  // (steps must be a list) but passes the second (a single step, where an unknown `steps` key is allowed),
  // so a malformed migration goes to the API.
  it("migrations whose steps are not a list are refused by check, naming migrations", async () => {
    const result = await workerScriptProvider.check({}, { scriptName: "api", content: "export default {}", migrations: { newTag: "v1", steps: "x" } as never });
    expect((result.failures ?? []).map((f) => f.property)).toContain("migrations");
  });
});
