/**
 * An API error that quotes a secret value back (a secrets PUT, or an upload with a secret_text binding) reaches
 * the user as an error without the value: Pulumi prints that message and the host logs it.
 */
import { workerScriptProvider } from "../../provider/resources/worker-script";
import { workerSecretProvider } from "../../provider/resources/worker-secret";
import { useEmulator } from "../support";

const emulator = useEmulator();

describe("secret values echoed by the API", () => {
  const VALUE = "sk_live_0123456789abcdefSECRET";
  const echo = (path: RegExp, method: string) => ({
    method,
    path,
    times: 1,
    status: 400,
    body: {
      success: false,
      errors: [{ code: 10021, message: `invalid value "${VALUE}" for binding API_TOKEN` }],
      messages: [],
      result: null,
    },
  });

  // The client redacts credentials (token, global key, bearer) from every error, but it does not know which
  // parts of a request body are secret values: an API error that quotes the value carries it into the
  // CloudflareApiError message, which Pulumi prints and the host logs.
  it("a secrets PUT refused with a message quoting the value gives an error without the value", async () => {
    await workerScriptProvider.create((await workerScriptProvider.check({}, { scriptName: "api", content: "export default {}" })).inputs!);
    emulator.injectFault(echo(/\/secrets$/, "PUT"));
    const { inputs } = await workerSecretProvider.check({}, { scriptName: "api", name: "API_TOKEN", text: VALUE });
    const error = (await workerSecretProvider.create(inputs!).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/invalid value/);
    expect(error.message).not.toContain(VALUE);
  });

  it("an upload refused with a message quoting a secret_text binding's value gives an error without the value", async () => {
    emulator.injectFault(echo(/\/workers\/scripts\/api$/, "PUT"));
    const { inputs } = await workerScriptProvider.check(
      {},
      { scriptName: "api", content: "export default {}", bindings: [{ type: "secret_text", name: "API_TOKEN", text: VALUE }] },
    );
    const error = (await workerScriptProvider.create(inputs!).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/invalid value/);
    expect(error.message).not.toContain(VALUE);
  });
});
