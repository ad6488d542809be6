/**
 * The fleet benchmark's timing log for the real CLI (never loaded by shipped code): preloaded into every Node
 * process a `pulumi` command starts (NODE_OPTIONS=--require, BENCH_PROFILE_LOG=<file>), it appends one JSON
 * line per event to the file:
 *   - each process's start (`performance.timeOrigin`) and exit, with its role: the language host
 *     (tools/pulumi-cli/language-host.js), the program it runs, or the dynamic-provider host
 *     (@pulumi/pulumi/cmd/dynamic-provider);
 *   - when a gRPC server is listening (`bindAsync`'s callback: the provider host is ready for the engine);
 *   - in the provider host only: every unary gRPC call it serves (check, diff, create, update, read, delete,
 *     configure): start, end and the size of its request message (`serializeBinary()`), which is what the
 *     engine sends over gRPC: the resource's inputs and state.
 * The calls are wrapped where @grpc/grpc-js's Server.addService binds the implementation, so the time is the
 * provider host's own, from the request's arrival to its answer. Nothing is hooked in the program: a wrapper
 * of the module loader would sit on the stack of every resource registration, and the engine stores that stack
 * in the snapshot (each resource's `stackTrace`), making it larger than users' snapshots.
 */
"use strict";
const fs = require("node:fs");
const Module = require("node:module");

const LOG = process.env.BENCH_PROFILE_LOG;
if (LOG) {
  const script = process.argv[1] ?? "";
  const role = script.includes("dynamic-provider") ? "provider" : script.includes("language-host") ? "language host" : "program";
  const write = (record) => {
    try {
      fs.appendFileSync(LOG, `${JSON.stringify({ pid: process.pid, role, ...record })}\n`);
    } catch {
      // A timing log must never fail the command it measures.
    }
  };
  write({ event: "start", at: performance.timeOrigin });
  process.on("exit", () => write({ event: "exit", at: Date.now() }));

  const PATCHED = Symbol.for("pulumi-cloudflare-workers.bench.profile");
  const patchServer = (prototype) => {
    if (prototype[PATCHED]) return;
    prototype[PATCHED] = true;
    const addService = prototype.addService;
    prototype.addService = function (service, implementation) {
      const wrapped = Object.create(implementation);
      for (const [name, attrs] of Object.entries(service)) {
        const key = typeof implementation[name] === "function" ? name : attrs.originalName;
        const fn = key === undefined ? undefined : implementation[key];
        if (typeof fn !== "function" || attrs.requestStream || attrs.responseStream) continue;
        wrapped[key] = function (call, callback) {
          const start = Date.now();
          let bytes;
          try {
            bytes = call.request?.serializeBinary?.().length;
          } catch {
            bytes = undefined;
          }
          return fn.call(implementation, call, (...answer) => {
            write({ event: "rpc", method: name, start, end: Date.now(), bytes });
            return callback(...answer);
          });
        };
      }
      return addService.call(this, service, wrapped);
    };
    const bindAsync = prototype.bindAsync;
    prototype.bindAsync = function (port, credentials, callback) {
      return bindAsync.call(this, port, credentials, (...args) => {
        write({ event: "ready", at: Date.now() });
        return callback(...args);
      });
    };
  };

  if (role === "provider") {
    const load = Module._load;
    Module._load = function (request, ...rest) {
      const loaded = load.call(this, request, ...rest);
      if (request === "@grpc/grpc-js" && loaded?.Server?.prototype) patchServer(loaded.Server.prototype);
      return loaded;
    };
  }
}
