import * as fs from "node:fs";
import * as path from "node:path";

/** The name this package is published under; the serialized providers `require()` it by this name. */
export const PACKAGE_NAME = "pulumi-cloudflare-workers";

/** The root of this repository (the folder holding the package.json named {@link PACKAGE_NAME}). */
export const PACKAGE_ROOT = findPackageRoot(__dirname);

function findPackageRoot(start: string): string {
  let dir = start;
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest)) {
      const parsed: unknown = JSON.parse(fs.readFileSync(manifest, "utf8"));
      if (typeof parsed === "object" && parsed !== null && (parsed as { name?: unknown }).name === PACKAGE_NAME) {
        return dir;
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`engine harness: no package.json named ${PACKAGE_NAME} above ${start}`);
    dir = parent;
  }
}

/** Folder of the `@pulumi/pulumi` installation this repository uses (the one a user's project would have). */
export function pulumiPackageDir(from: string = PACKAGE_ROOT): string {
  return path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [from, PACKAGE_ROOT] }));
}

/** tsx's CommonJS API (`register()`), with which program children load `.ts` programs. */
export function tsxRegisterApi(): string {
  return require.resolve("tsx/cjs/api", { paths: [PACKAGE_ROOT] });
}

/** Files a serialized provider or an example program loads from the built package. */
const BUILT_ENTRY_POINTS = ["dist/provider/index.js", "dist/sdk/index.js"];

/**
 * Throws a message that says what to run when the package has not been built: the host resolves
 * `pulumi-cloudflare-workers/provider` through the package's "exports", which point into dist/.
 */
export function assertPackageBuilt(packageRoot: string = PACKAGE_ROOT): void {
  const missing = BUILT_ENTRY_POINTS.filter((file) => !fs.existsSync(path.join(packageRoot, file)));
  if (missing.length > 0) {
    throw new Error(
      `engine harness: ${PACKAGE_NAME} is not built (missing ${missing.join(", ")} under ${packageRoot}); ` +
        'run `npm run -s build` first: the dynamic-provider host loads the package through its "exports", which point into dist/',
    );
  }
}

/** Adds the build hint to errors that come from a missing build (module not found under our package name). */
export function withBuildHint(message: string): string {
  const mentionsPackage =
    message.includes(`'${PACKAGE_NAME}`) || message.includes(`"${PACKAGE_NAME}`) || message.includes(`${path.sep}dist${path.sep}`);
  if (/Cannot find module/.test(message) && mentionsPackage) {
    return `${message} (is ${PACKAGE_NAME} built? run \`npm run -s build\`)`;
  }
  return message;
}

/**
 * Environment that turns on Node's on-disk compile cache for the processes the harness starts (hosts and
 * program children load all of @pulumi/pulumi each time; the cache roughly halves that). Kept under
 * node_modules/.cache, never in a temp folder. An explicit NODE_COMPILE_CACHE or
 * NODE_DISABLE_COMPILE_CACHE in the environment wins.
 */
export function compileCacheEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (env.NODE_COMPILE_CACHE !== undefined || env.NODE_DISABLE_COMPILE_CACHE !== undefined) return {};
  return { NODE_COMPILE_CACHE: path.join(PACKAGE_ROOT, "node_modules", ".cache", "engine-harness", "compile-cache") };
}
