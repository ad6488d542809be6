/**
 * A Worker with assets whose state release 0.1.0 wrote: its `assetsState` held a per-file map (`files`: the
 * first 16 hex of each file's hash) and no `filesHash`. This release stores hashes and totals only; the old
 * state must refresh and update with no diff, and the next change of the assets writes the compact form.
 */
import { workerScriptProvider, type WorkerScriptInputs, type WorkerScriptOutputs } from "../../provider/resources/worker-script";
import { checkAssets, clearAssetHashCache, type AssetsState } from "../../provider/resources/assets";
import { ACCOUNT, newRun, takeCalls, useEmulator } from "../support";
import { tempTree, type TempTree } from "./fixtures";

const CODE = "export default { async fetch() { return new Response('ok') } }";
/** Stored state as the engine hands it back to check (a plain record). */
const asOlds = (state: WorkerScriptOutputs) => state as unknown as Record<string, unknown>;

describe("WorkerScript with assets in state written by release 0.1.0", () => {
  const emulator = useEmulator();
  let tree: TempTree;

  beforeEach(() => {
    tree = tempTree({ "index.html": "<h1>home</h1>", "about.html": "<h1>about</h1>", "css/site.css": "body {}" });
  });
  afterEach(() => {
    tree.cleanup();
    clearAssetHashCache();
  });

  /** Release 0.1.0's assetsState of the same directory: the same hash, a per-file map, no filesHash. */
  async function releaseZeroOneState(): Promise<AssetsState> {
    const { assets } = await checkAssets({ directory: tree.dir });
    const files = Object.fromEntries(Object.entries(assets!.manifest).map(([key, entry]) => [key, entry.hash.slice(0, 16)]));
    return { hash: assets!.hash, files, fileCount: assets!.fileCount, totalBytes: assets!.totalBytes };
  }

  it("refreshes and updates with no diff, then a changed file uploads and stores hashes and totals only", async () => {
    const inputs: WorkerScriptInputs = {
      accountId: ACCOUNT,
      scriptName: "site",
      content: CODE,
      compatibilityDate: "2025-09-01",
      assets: { directory: tree.dir },
    };
    const created = await workerScriptProvider.check({}, inputs);
    expect(created.failures ?? []).toEqual([]);
    const { id, outs } = await workerScriptProvider.create(created.inputs!);
    const old: WorkerScriptOutputs = { ...outs!, assetsState: await releaseZeroOneState() };
    expect(old.assetsState!.files).toBeDefined();

    // refresh: the old state stands as it is
    newRun();
    takeCalls(emulator);
    const read = await workerScriptProvider.read(id, old);
    expect(read.props!.assetsState).toEqual(old.assetsState);

    // up with the same files: no change, nothing written
    const same = await workerScriptProvider.check(asOlds(old), inputs);
    expect(same.inputs!.assetsChanges).toBe("unchanged (3 files, 0.0 MiB)");
    expect(await workerScriptProvider.diff(id, read.props!, same.inputs!)).toMatchObject({ changes: false });
    expect(takeCalls(emulator).filter((call) => !call.startsWith("GET "))).toEqual([]);

    // a file changes: an update that uploads, and the state it stores has no per-file map
    tree.write("about.html", "<h1>about us</h1>");
    newRun();
    const changed = await workerScriptProvider.check(asOlds(read.props!), inputs);
    expect(changed.inputs!.assetsChanges).toBe("changed (3 files, 0.0 MiB; before: 3 files, 0.0 MiB)");
    expect(await workerScriptProvider.diff(id, read.props!, changed.inputs!)).toMatchObject({ changes: true });
    const { outs: updated } = await workerScriptProvider.update(id, read.props!, changed.inputs!);
    const writes = takeCalls(emulator).filter((call) => !call.startsWith("GET "));
    expect(writes.filter((call) => call.endsWith("/assets-upload-session"))).toHaveLength(1);
    expect(writes.filter((call) => call.startsWith("POST /workers/assets/upload"))).toHaveLength(1);
    expect(updated!.assetsState).toEqual({
      hash: changed.inputs!.assetsState!.hash,
      filesHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      fileCount: 3,
      totalBytes: changed.inputs!.assetsState!.totalBytes,
    });
  });
});
