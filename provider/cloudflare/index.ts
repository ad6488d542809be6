/** The Cloudflare Workers API client: configuration, the request function, typed errors, endpoint functions, wire schemas. */
export * from "./config";
export * from "./errors";
export {
  CloudflareClient,
  getDefaultClient,
  MAX_RESPONSE_BYTES,
  type ClientOptions,
  type EnvelopeResult,
  type HttpMethod,
  type RawResponse,
  type RequestEvent,
  type RequestSpec,
} from "./client";
export { path, scriptPath, describeScope, describeWorker, type Scope } from "./paths";
export { runSlot, type RunSlot } from "./run-state";
export * from "./limiter";
export { closeDispatchers, dispatcherCount, dispatcherFor } from "./dispatcher";
export {
  buildAssetsBucketForm,
  buildContentForm,
  buildSettingsForm,
  buildUploadForm,
  parseModulesMultipart,
  parseMultipart,
  MultipartParseError,
  type ContentInput,
  type MultipartPart,
  type WorkerModule,
} from "./multipart";
export * from "./endpoints/scripts";
export * from "./endpoints/settings";
export * from "./endpoints/secrets";
export * from "./endpoints/subdomain";
export * from "./endpoints/versions";
export * from "./endpoints/namespaces";
export * from "./endpoints/assets";
export * from "./schemas";
export * from "./endpoints/schedules";
export * from "./endpoints/routes";
export * from "./endpoints/domains";
export * from "./endpoints/zones";
export * from "./endpoints/queues";
export * from "./endpoints/workflows";
export { formatDuration, notice, noticeEnabled, NOTICE_PREFIX, setNoticeSink, type NoticeLevel } from "./notices";
