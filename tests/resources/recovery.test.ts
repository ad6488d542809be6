/**
 * Creates that recognise their own earlier write after the process that made it is gone (journal.ts): a write
 * applied whose every answer was lost, then a new provider process (newRun) creating again. Without the
 * journal's note (another machine) the error names CLOUDFLARE_WORKERS_RECOVER=1, under which the create
 * converges; what someone else made is still refused.
 */
import { createNamespace, listSecrets, putSchedules, putSecret, uploadScript } from "../../provider/cloudflare";
import { dispatchNamespaceProvider } from "../../provider/resources/dispatch-namespace";
import { RECOVER_ENV } from "../../provider/resources/journal";
import { workerCronTriggerProvider } from "../../provider/resources/worker-cron-trigger";
import { workerSecretProvider, type WorkerSecretInputs } from "../../provider/resources/worker-secret";
import { ACCOUNT, client, newRun, scope, takeCalls, useEmulator } from "../support";
import { clearTestJournal } from "../support/emulator";

const emulator = useEmulator();

beforeEach(async () => {
  await uploadScript(client(), scope, "api", {
    metadata: { main_module: "w.js" },
    modules: [{ name: "w.js", contentType: "application/javascript+module", content: Buffer.from("export default { fetch() {} }") }],
  });
  takeCalls(emulator);
});

afterEach(() => {
  delete process.env[RECOVER_ENV];
});

const secret: WorkerSecretInputs = { accountId: ACCOUNT, scriptName: "api", name: "TOKEN", text: "program-value-1" };

/** Every attempt of the write is applied and its answer lost (the client tries five times). */
function loseEveryAnswer(method: string, path: RegExp): void {
  emulator.injectFault({ method, path, applyFirst: true, dropConnection: true, times: 5 });
}

describe("WorkerSecret", () => {
  it("a new process takes the secret its lost PUT set as its own and sets the program's value again", async () => {
    loseEveryAnswer("PUT", /\/secrets$/);
    await expect(workerSecretProvider.create(secret)).rejects.toThrow(/may or may not have been set/);
    newRun();
    takeCalls(emulator);
    const created = await workerSecretProvider.create(secret);
    expect(created.outs).toMatchObject({ name: "TOKEN", type: "secret_text" });
    expect(takeCalls(emulator)).toEqual(["GET /workers/scripts/api/secrets", "PUT /workers/scripts/api/secrets"]);
  });

  it("without the note, names the one-off setting; with it, converges in one PUT", async () => {
    loseEveryAnswer("PUT", /\/secrets$/);
    await expect(workerSecretProvider.create(secret)).rejects.toThrow();
    clearTestJournal();
    newRun();
    await expect(workerSecretProvider.create(secret)).rejects.toThrow(
      /Secret "TOKEN" of Worker "api" in account \w+ already exists\. .*run `CLOUDFLARE_WORKERS_RECOVER=1 pulumi up` once instead/,
    );
    process.env[RECOVER_ENV] = "1";
    newRun();
    takeCalls(emulator);
    await workerSecretProvider.create(secret);
    expect(takeCalls(emulator)).toEqual(["GET /workers/scripts/api/secrets", "PUT /workers/scripts/api/secrets"]);
  });

  it("still refuses a secret someone else set, and forgets the note once the secret is deleted", async () => {
    await putSecret(client(), scope, "api", { name: "TOKEN", type: "secret_text", text: "theirs" });
    newRun();
    await expect(workerSecretProvider.create(secret)).rejects.toThrow(/already exists/);

    loseEveryAnswer("PUT", /\/secrets$/);
    await expect(workerSecretProvider.create({ ...secret, name: "OTHER" })).rejects.toThrow();
    await workerSecretProvider.delete("id", { ...secret, name: "OTHER", type: "secret_text" });
    await putSecret(client(), scope, "api", { name: "OTHER", type: "secret_text", text: "theirs" });
    newRun();
    await expect(workerSecretProvider.create({ ...secret, name: "OTHER" })).rejects.toThrow(/already exists/);
    expect((await listSecrets(client(), scope, "api")).map((s) => s.name).sort()).toEqual(["OTHER", "TOKEN"]);
  });
});

describe("DispatchNamespace", () => {
  const inputs = { accountId: ACCOUNT, name: "tenants" };

  it("a new process takes the namespace its lost POST made as its own, without a second POST", async () => {
    emulator.injectFault({ method: "POST", path: /\/dispatch\/namespaces$/, applyFirst: true, dropConnection: true, times: 1 });
    await expect(dispatchNamespaceProvider.create(inputs)).rejects.toThrow();
    newRun();
    takeCalls(emulator);
    expect((await dispatchNamespaceProvider.create(inputs)).outs).toMatchObject({ name: "tenants", namespaceId: expect.any(String) });
    expect(takeCalls(emulator)).toEqual(["GET /workers/dispatch/namespaces/tenants"]);
  });

  it("still refuses a namespace someone else made", async () => {
    await createNamespace(client(), ACCOUNT, { name: "tenants" });
    await expect(dispatchNamespaceProvider.create(inputs)).rejects.toThrow(/already exists .*CLOUDFLARE_WORKERS_RECOVER=1 pulumi up/s);
  });
});

describe("WorkerCronTrigger", () => {
  it("replaces the crons its lost PUT set when the program changed them since", async () => {
    loseEveryAnswer("PUT", /\/schedules$/);
    const first = { accountId: ACCOUNT, scriptName: "api", crons: ["0 3 * * *"] };
    await expect(workerCronTriggerProvider.create(first)).rejects.toThrow();
    newRun();
    takeCalls(emulator);
    await workerCronTriggerProvider.create({ ...first, crons: ["0 4 * * *"] });
    expect(takeCalls(emulator)).toEqual(["GET /workers/scripts/api/schedules", "PUT /workers/scripts/api/schedules"]);
  });

  it("still refuses crons set elsewhere", async () => {
    await putSchedules(client(), ACCOUNT, "api", ["0 5 * * *"]);
    await expect(workerCronTriggerProvider.create({ accountId: ACCOUNT, scriptName: "api", crons: ["0 4 * * *"] })).rejects.toThrow(
      /set outside this program/,
    );
  });
});
