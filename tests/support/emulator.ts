/**
 * The only way tests start the emulator.
 *
 * `useEmulator()`, called at the top of a test file or inside a `describe`: starts an emulator before the
 * tests, points the CLOUDFLARE_* environment at it, resets it (and the provider's per-run caches) before
 * each test unless told to keep its state, and afterwards closes it and puts the environment back as it
 * was. Tests never repeat that. `restart(options)` gives one test an emulator with settings of its own (a
 * latency, a short session lifetime); the next test gets one with the fixture's options again.
 * `withEmulator()` gives one test a second emulator, closed after it, and leaves the environment alone.
 *
 * `useEmulator()` inside a `describe` gives that block an emulator with its own options (it may sit inside
 * tests/cli's `describeWithCli`, whose skipped form never runs its body); a second one in the same block,
 * for the same tests, passes `pointEnvironment: false`. Suites whose tests are the steps of one story pass
 * `keepState: true`. A test never calls `startEmulator` itself:
 * tests/support/only-way.test.ts fails naming the file that does.
 */
import { DEFAULT_EMULATOR_TOKEN, startEmulator, type Emulator, type EmulatorOptions } from "../../emulator";
import { getDefaultClient } from "../../provider/cloudflare";
import { clearBundleCache } from "../../provider/resources/bundle";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { JOURNAL_DIR_ENV } from "../../provider/resources/journal";
import { registerCleanup } from "../engine/cleanup-registry";
import { ACCOUNT } from "./account";

const ENV_KEYS = ["CLOUDFLARE_API_BASE_URL", "CLOUDFLARE_API_TOKEN", "CLOUDFLARE_ACCOUNT_ID", JOURNAL_DIR_ENV] as const;

/**
 * The journal of unanswered writes (provider/resources/journal.ts) of this test process: its own folder, so a
 * note about one emulator never meets another emulator that reuses the port. Emptied with the emulator.
 */
function useTestJournal(): void {
  process.env[JOURNAL_DIR_ENV] ??= tempJournalDir();
}

let journalDir: string | undefined;
function tempJournalDir(): string {
  if (journalDir === undefined) {
    journalDir = fs.mkdtempSync(path.join(os.tmpdir(), "cfw-journal-"));
    registerCleanup(clearTestJournal);
  }
  return journalDir;
}

/** Empties the test journal: notes about an emulator's state go with that state. */
export function clearTestJournal(): void {
  if (journalDir !== undefined) fs.rmSync(journalDir, { recursive: true, force: true });
}

/** A new Pulumi operation starts a new provider process: nothing cached survives. */
export function newRun(): void {
  getDefaultClient().newRun();
  clearBundleCache();
}

/** The client the resources use by default (configured from the environment useEmulator sets). */
export const client = () => getDefaultClient();

/** Options of `useEmulator()`: the emulator's own, and how the fixture treats it between tests. */
export interface EmulatorFixtureOptions extends EmulatorOptions {
  /**
   * Keep the emulator's state, request log, journal and provider caches from one test to the next: for suites
   * whose tests are the steps of one story (an up, then a change, then a destroy) or share what `beforeAll`
   * set up. Default false: every test starts from an empty emulator and a new provider run.
   */
  keepState?: boolean;
  /**
   * Point the CLOUDFLARE_* environment at this emulator (default true). False for a second emulator in the
   * same block beside the one the environment names (the harness's side in tests/cli/harness-vs-cli): jest
   * runs `afterAll` hooks in the order they were declared, so two fixtures that both set the environment
   * would leave it naming the first, closed, emulator. Give `emulatorEnv()` of it to whatever should use it.
   */
  pointEnvironment?: boolean;
}

/** The emulator `useEmulator()` returns: the started one, and a way for a test to ask for other options. */
export interface EmulatorFixture extends Emulator {
  /**
   * Closes the current emulator and starts another with `options` (for a test that needs settings of its
   * own, such as latency or a short session lifetime), and points the environment at it. Without
   * `keepState`, the next test starts on a new emulator with the fixture's own options, so one test's
   * settings never reach another; with it, the restarted emulator stays for the rest of the story. The
   * fixture closes the last one after the tests, like the first.
   */
  restart(options?: EmulatorOptions): Promise<void>;
}

/** The environment a child process (the engine harness, the `pulumi` CLI) needs to use `emulator`. */
export function emulatorEnv(
  emulator: Pick<Emulator, "url">,
): Record<"CLOUDFLARE_API_BASE_URL" | "CLOUDFLARE_API_TOKEN" | "CLOUDFLARE_ACCOUNT_ID", string> {
  return { CLOUDFLARE_API_BASE_URL: emulator.url, CLOUDFLARE_API_TOKEN: DEFAULT_EMULATOR_TOKEN, CLOUDFLARE_ACCOUNT_ID: ACCOUNT };
}

function pointEnvironmentAt(emulator: Emulator): void {
  Object.assign(process.env, emulatorEnv(emulator));
  useTestJournal();
}

/** Closes an emulator once: a test may have closed it already. */
function closer(emulator: Emulator): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= emulator.close());
}

/**
 * The started emulator, usable as soon as the tests run (a stand-in that forwards to it). Options that
 * change the emulator (fault rules, a rate limit, a state file, `runWorkers`, zones) go here.
 */
export function useEmulator(options: EmulatorFixtureOptions = {}): EmulatorFixture {
  const { keepState = false, pointEnvironment = true, ...emulatorOptions } = options;
  let current: { emulator: Emulator; close: () => Promise<void> } | undefined;
  /** A test restarted the emulator with options of its own: the next test (without keepState) gets a new one. */
  let restarted = false;
  const saved: Partial<Record<(typeof ENV_KEYS)[number], string>> = {};
  const start = async (with_: EmulatorOptions) => {
    const emulator = await startEmulator(with_);
    current = { emulator, close: closer(emulator) };
    if (pointEnvironment) pointEnvironmentAt(emulator);
  };
  beforeAll(async () => {
    if (pointEnvironment) for (const key of ENV_KEYS) saved[key] = process.env[key];
    await start(emulatorOptions);
  }, 60_000);
  if (!keepState) {
    beforeEach(async () => {
      if (restarted) {
        restarted = false;
        await current?.close();
        await start(emulatorOptions);
      } else current?.emulator.reset();
      clearTestJournal();
      newRun();
    });
  }
  afterAll(async () => {
    await current?.close();
    current = undefined;
    if (!pointEnvironment) return;
    for (const key of ENV_KEYS) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });
  const restart = async (with_: EmulatorOptions = {}) => {
    await current?.close();
    await start(with_);
    restarted = true;
  };
  return new Proxy({} as EmulatorFixture, {
    get(_target, key) {
      if (key === "restart") return restart;
      if (current === undefined) throw new Error("useEmulator(): the emulator is started in beforeAll; use it inside a test or hook");
      if (key === "close") return current.close;
      const value = Reflect.get(current.emulator, key, current.emulator);
      return typeof value === "function" ? value.bind(current.emulator) : value;
    },
  });
}

/**
 * Runs `test` with an emulator of its own (a second one beside the file's, or one with other options),
 * closed when `test` ends however it ends. The environment is left alone: give the emulator's `url` to the
 * client under test.
 */
export async function withEmulator<T>(options: EmulatorOptions, test: (emulator: Emulator) => Promise<T>): Promise<T> {
  const emulator = await startEmulator(options);
  try {
    return await test(emulator);
  } finally {
    await emulator.close();
  }
}
