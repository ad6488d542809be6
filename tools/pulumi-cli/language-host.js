#!/usr/bin/env node
/**
 * A Node.js language host for the Pulumi CLI (`pulumi-language-nodejs`), ours.
 *
 * Why: the CLI needs a language host to run a stack program. Pulumi's own one is the Go module
 * `github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3`, which the module proxy reachable here
 * does not serve (every version query answers 403 "not available"). This host does the part of its job the
 * CLI needs for `pulumi up | preview | refresh | destroy`: it answers the LanguageRuntime gRPC service and
 * runs the program with `@pulumi/pulumi/cmd/run` (the SDK's own entry point, the one Pulumi's host runs too),
 * passing the monitor/engine addresses, project, stack, dry-run, parallelism and config the same way
 * (flags and the PULUMI_CONFIG / PULUMI_CONFIG_SECRET_KEYS variables).
 *
 * Runtime options read from Pulumi.yaml (`runtime.options`): `nodeargs` (extra `node` arguments, e.g.
 * `--import tsx`), `typescript` (default true: the SDK registers ts-node) and `tsconfig`.
 * Not implemented (the CLI gets UNIMPLEMENTED): `pulumi install`/`new`/`convert`/`package`, `about`'s
 * dependency list, policy packs, plugins run by the language (RunPlugin).
 *
 * Started by the CLI as `pulumi-language-nodejs [flags] <engine address>`; prints the port it listens on.
 * `@grpc/grpc-js` and the proto stubs come from the `@pulumi/pulumi` that the project folder resolves.
 */
"use strict";
const path = require("node:path");
const { spawn } = require("node:child_process");

/** The exit code `@pulumi/pulumi/cmd/run` uses after it has already reported an error to the engine. */
const EXIT_AFTER_LOGGED_ERROR = 32;

const argv = process.argv.slice(2);
const engineAddress = argv.filter((a) => !a.startsWith("-")).pop();
const rootFlag = flagValue("root");

function flagValue(name) {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === `-${name}` || a === `--${name}`) return argv[i + 1];
    const prefix = a.startsWith(`--${name}=`) ? `--${name}=` : a.startsWith(`-${name}=`) ? `-${name}=` : undefined;
    if (prefix) return a.slice(prefix.length);
  }
  return undefined;
}

/** The folder of the `@pulumi/pulumi` that the project resolves (the same copy the program will load). */
function pulumiSdkDir(from) {
  for (const dir of from.filter(Boolean)) {
    try {
      return path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [dir] }));
    } catch {
      // try the next folder
    }
  }
  return undefined;
}

const sdkDir = pulumiSdkDir([process.cwd(), rootFlag]);
if (!sdkDir) {
  console.error(`pulumi-language-nodejs: @pulumi/pulumi is not installed in ${process.cwd()} (run \`npm install\` in the project)`);
  process.exit(1);
}
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [sdkDir] }));
const services = require(path.join(sdkDir, "proto", "language_grpc_pb.js"));
const messages = require(path.join(sdkDir, "proto", "language_pb.js"));
const pluginMessages = require(path.join(sdkDir, "proto", "plugin_pb.js"));
const sdkVersion = require(path.join(sdkDir, "package.json")).version;

/** Children still running, killed when the CLI stops this host. */
const children = new Set();

function runtimeOptions(info) {
  const options = info?.getOptions?.();
  return options ? options.toJavaScript() : {};
}

function splitArgs(text) {
  return typeof text === "string" ? text.split(/\s+/).filter(Boolean) : [];
}

function run(call, callback) {
  const req = call.request;
  const info = req.getInfo();
  const options = runtimeOptions(info);
  const programDir = info?.getProgramDirectory() || req.getPwd();
  const rootDir = info?.getRootDirectory() || req.getPwd();
  const entry = info?.getEntryPoint() || req.getProgram() || ".";
  const runner = path.join(pulumiSdkDir([programDir, rootDir]) ?? sdkDir, "cmd", "run");

  const config = {};
  for (const [key, value] of req.getConfigMap().entries()) config[key] = value;
  const flags = [
    `--monitor=${req.getMonitorAddress()}`,
    ...(engineAddress ? [`--engine=${engineAddress}`] : []),
    `--project=${req.getProject()}`,
    `--stack=${req.getStack()}`,
    `--pwd=${req.getPwd()}`,
    `--root-directory=${rootDir}`,
    ...(req.getOrganization() ? [`--organization=${req.getOrganization()}`] : []),
    ...(req.getParallel() > 0 ? [`--parallel=${req.getParallel()}`] : []),
    ...(req.getDryrun() ? ["--dry-run"] : []),
  ];
  const args = [...splitArgs(options.nodeargs), runner, ...flags, path.resolve(programDir, entry), ...req.getArgsList()];
  const env = {
    ...process.env,
    PULUMI_CONFIG: JSON.stringify(config),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(req.getConfigsecretkeysList()),
    PULUMI_NODEJS_TYPESCRIPT: String(options.typescript ?? true),
    ...(options.tsconfig ? { PULUMI_NODEJS_TSCONFIG_PATH: String(options.tsconfig) } : {}),
  };
  const child = spawn(process.execPath, args, { cwd: req.getPwd() || programDir, env, stdio: ["ignore", "inherit", "inherit"] });
  children.add(child);
  const answer = new messages.RunResponse();
  child.on("error", (err) => {
    children.delete(child);
    answer.setError(`could not start node: ${err.message}`);
    callback(null, answer);
  });
  child.on("exit", (code, signal) => {
    children.delete(child);
    if (code === 0) {
      // success: empty answer
    } else if (code === EXIT_AFTER_LOGGED_ERROR) {
      answer.setBail(true);
    } else {
      answer.setError(signal ? `Program was stopped by ${signal}` : `Program exited with non-zero exit code: ${code}`);
    }
    callback(null, answer);
  });
}

const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
server.addService(services.LanguageRuntimeService, {
  handshake: (_call, callback) => callback(null, new messages.LanguageHandshakeResponse()),
  getRequiredPlugins: (_call, callback) => callback(null, new messages.GetRequiredPluginsResponse()),
  getRequiredPackages: (_call, callback) => callback(null, new messages.GetRequiredPackagesResponse()),
  getPluginInfo: (_call, callback) => {
    const answer = new pluginMessages.PluginInfo();
    answer.setVersion(sdkVersion);
    callback(null, answer);
  },
  run,
});
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) {
    console.error(`pulumi-language-nodejs: cannot listen: ${err.message}`);
    process.exit(1);
  }
  process.stdout.write(`${port}\n`);
});

function stop() {
  for (const child of children) child.kill("SIGINT");
  server.forceShutdown();
  process.exit(0);
}
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
