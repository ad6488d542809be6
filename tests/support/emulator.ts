/**
 * `useEmulator()`, called at the top of a test file or inside a `describe`: starts an emulator before the
 * tests, points the CLOUDFLARE_* environment at it, resets it (and the provider's per-run caches) before
 * each test, and afterwards closes it and puts the environment back as it was. Tests never repeat that.
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

/** The started emulator, usable as soon as the tests run (a stand-in that forwards to it). */
export function useEmulator(options: EmulatorOptions = {}): Emulator {
  let current: Emulator | undefined;
  const saved: Partial<Record<(typeof ENV_KEYS)[number], string>> = {};
  beforeAll(async () => {
    current = await startEmulator(options);
    for (const key of ENV_KEYS) saved[key] = process.env[key];
    process.env.CLOUDFLARE_API_BASE_URL = current.url;
    process.env.CLOUDFLARE_API_TOKEN = DEFAULT_EMULATOR_TOKEN;
    process.env.CLOUDFLARE_ACCOUNT_ID = ACCOUNT;
    useTestJournal();
  });
  beforeEach(() => {
    current?.reset();
    clearTestJournal();
    newRun();
  });
  afterAll(async () => {
    await current?.close();
    current = undefined;
    for (const key of ENV_KEYS) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });
  return new Proxy({} as Emulator, {
    get(_target, key) {
      if (current === undefined) throw new Error("useEmulator(): the emulator is started in beforeAll; use it inside a test or hook");
      const value = Reflect.get(current, key, current);
      return typeof value === "function" ? value.bind(current) : value;
    },
  });
}

/**
 * For the test files not yet moved onto `useEmulator()`: starts an emulator and points the environment at
 * it, which the caller must close. Prefer `useEmulator()`, which also restores the environment.
 */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = await startEmulator(options);
  process.env.CLOUDFLARE_API_BASE_URL = emulator.url;
  process.env.CLOUDFLARE_API_TOKEN = DEFAULT_EMULATOR_TOKEN;
  process.env.CLOUDFLARE_ACCOUNT_ID = ACCOUNT;
  useTestJournal();
  return emulator;
}
