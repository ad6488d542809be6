/**
 * Engine harness: runs stack programs through `@pulumi/pulumi`'s real dynamic-provider host over gRPC,
 * as the Pulumi engine does for `pulumi up`, `preview`, `refresh` and `destroy`, with no Pulumi CLI.
 * See README.md beside this file for usage.
 */
export { makeProjectDir, type ProjectDir, type ProjectDirOptions } from "./project-dir";
export { captureProgram, runProgram, programConfigEnv, type ProgramOptions, type ProgramRun } from "./program-runner";
export type { Registration } from "./protocol";
export { Engine, type EngineOptions, type StepOp, type StepOutcome, type StepProgramOptions, type StepReport } from "./engine";
export type { ResourceState } from "./state";
export { Host, HostCallError, type HostOptions } from "./host";
export { assertPackageBuilt, PACKAGE_NAME, PACKAGE_ROOT } from "./paths";
export { SIG_KEY, SECRET_SIG } from "./secrets";
