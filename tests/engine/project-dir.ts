import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { registerCleanup } from "./cleanup-registry";
import { assertPackageBuilt, PACKAGE_NAME, PACKAGE_ROOT, pulumiPackageDir } from "./paths";

export interface ProjectDir {
  /** Absolute path of the temporary Pulumi project folder. */
  dir: string;
  /** Removes the folder; safe to call more than once. */
  cleanup(): void;
}

export interface ProjectDirOptions {
  /** Package installed as `node_modules/pulumi-cloudflare-workers` (default: this repository). */
  packageRoot?: string;
  /** Fail unless the package's dist/ is built (default true; toy-provider tests pass false). */
  requireBuild?: boolean;
  /** Project name written to Pulumi.yaml (default "engine-test"). */
  project?: string;
  /**
   * Install the package as `npm install` does: its package.json and dist/ copied into node_modules (its
   * dependencies linked beside it), so its files live under node_modules as in a user's project. Pulumi's
   * closure serialization looks at that path: a module under node_modules is written as a `require`, any
   * other by value (sdk/lazy-methods.ts). Default: a symlink to the package root.
   */
  installed?: boolean;
}

/**
 * Builds a temporary folder laid out like a user's Pulumi project: Pulumi.yaml, package.json and a
 * node_modules in which `pulumi-cloudflare-workers` (a symlink to the package root, resolved through its
 * "exports") and `@pulumi/pulumi` resolve. The dynamic-provider host runs with this folder as its cwd.
 */
export function makeProjectDir(options: ProjectDirOptions = {}): ProjectDir {
  const packageRoot = options.packageRoot ?? PACKAGE_ROOT;
  if (options.requireBuild ?? true) assertPackageBuilt(packageRoot);
  const project = options.project ?? "engine-test";

  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "pcw-engine-")));
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const unregister = registerCleanup(remove);
  try {
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${project}\nruntime: nodejs\n`);
    fs.writeFileSync(
      path.join(dir, "package.json"),
      JSON.stringify({ name: project, private: true, dependencies: { [PACKAGE_NAME]: "*", "@pulumi/pulumi": "*" } }, null, 2),
    );
    fs.mkdirSync(path.join(dir, "node_modules", "@pulumi"), { recursive: true });
    if (options.installed) installCopy(packageRoot, path.join(dir, "node_modules"));
    else fs.symlinkSync(packageRoot, path.join(dir, "node_modules", PACKAGE_NAME), "dir");
    fs.symlinkSync(pulumiPackageDir(packageRoot), path.join(dir, "node_modules", "@pulumi", "pulumi"), "dir");
  } catch (error) {
    remove();
    unregister();
    throw error;
  }
  return {
    dir,
    cleanup() {
      remove();
      unregister();
    },
  };
}

/** The package as a user's `npm install` lays it out: package.json and dist/ copied, dependencies linked. */
function installCopy(packageRoot: string, nodeModules: string): void {
  const target = path.join(nodeModules, PACKAGE_NAME);
  fs.mkdirSync(target, { recursive: true });
  fs.copyFileSync(path.join(packageRoot, "package.json"), path.join(target, "package.json"));
  fs.cpSync(path.join(packageRoot, "dist"), path.join(target, "dist"), { recursive: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(packageRoot, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  for (const name of Object.keys(manifest.dependencies ?? {})) {
    const link = path.join(nodeModules, name);
    if (fs.existsSync(link)) continue;
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.join(packageRoot, "node_modules", name), link, "dir");
  }
}
