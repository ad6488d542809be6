/** Shared test fixtures: the account, the emulator fixture, the request log. */
export { ACCOUNT, scope } from "./account";
export { client, newRun, startTestEmulator, useEmulator } from "./emulator";
export { takeCalls } from "./requests";
