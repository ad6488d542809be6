/** Shared test fixtures: the account, the emulator fixture, the request log. */
export { ACCOUNT, scope } from "./account";
export { client, emulatorEnv, newRun, useEmulator, withEmulator, type EmulatorFixture, type EmulatorFixtureOptions } from "./emulator";
export { takeCalls } from "./requests";
