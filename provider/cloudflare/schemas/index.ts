/** The wire schemas: the one source of truth for shapes on the wire, shared by client, resources and emulator. */
export * from "./envelope";
export * from "./bindings";
export * from "./scripts";
export * from "./settings";
export * from "./migrations";
export * from "./secrets";
export * from "./subdomain";
export * from "./versions";
export * from "./namespaces";
export * from "./assets";
export * from "./lenient";
export * from "./triggers";
export * from "./cron";
export * from "./deployments";
export * from "./modules";
export * from "./queues";
export * from "./workflows";
