/**
 * Worker bindings, exactly as they travel on the wire (snake_case), for every binding type the API reference
 * lists in a Worker's settings (https://developers.cloudflare.com/api/resources/workers/subresources/scripts/subresources/script_and_version_settings/methods/get/), a version's
 * detail (https://developers.cloudflare.com/api/resources/workers/subresources/scripts/subresources/versions/methods/get/) and a Workers for Platforms script's
 * bindings (https://developers.cloudflare.com/api/resources/workers_for_platforms/subresources/dispatch/subresources/namespaces/subresources/scripts/subresources/bindings/methods/get/).
 *
 * One table of shapes serves three unions:
 * - `wireBindingSchema`: what the API answers. Liberal: objects are loose (fields the API adds later pass
 *   through), and a binding of a type we do not know yet, or of a known type in a shape we did not expect
 *   (wrangler sends `pipelines` with `stream`), is kept as it is, an opaque binding: a read never fails
 *   because of one binding.
 * - `requestBindingSchema`: what the emulator accepts, as the API does: known types in their documented
 *   shape (loose), unknown types as given, cross-field rules (d1 id, vpc_network) enforced.
 * - `bindingInputSchema`: what a user may ask for. Objects are strict (a misspelt field is an error, not a
 *   silently ignored key) and the type must be one we know, unless the binding is marked `opaque`.
 */
import { z } from "zod";

const nonEmpty = z.string().min(1);
const optionalString = z.string().optional();

export const SECRET_KEY_FORMATS = ["raw", "pkcs8", "spki", "jwk"] as const;
export const SECRET_KEY_USAGES = ["encrypt", "decrypt", "sign", "verify", "deriveKey", "deriveBits", "wrapKey", "unwrapKey"] as const;
export const R2_JURISDICTIONS = ["eu", "fedramp", "fedramp-high", "us"] as const;

/** Base64 as the API reads `key_base64`. */
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, "key_base64 must be base64");

/**
 * A secret_key (a WebCrypto key and how to import it), the same in a binding and in PUT …/secrets:
 * https://developers.cloudflare.com/api/resources/workers/subresources/scripts/subresources/secrets/methods/update/
 */
export const SECRET_KEY_FIELDS = {
  algorithm: z.record(z.string(), z.unknown()),
  format: z.enum(SECRET_KEY_FORMATS),
  usages: z.array(z.enum(SECRET_KEY_USAGES)).min(1, "give at least one usage"),
  key_base64: base64.optional(),
  key_jwk: z.record(z.string(), z.unknown()).optional(),
};

/**
 * The rule across a secret_key's fields: `key_jwk` is "required if format is jwk", `key_base64` "required if
 * format is raw, pkcs8, or spki" (the settings and versions pages of the API documentation).
 */
export function secretKeyProblems(key: { format?: unknown; key_base64?: unknown; key_jwk?: unknown }): RuleProblem[] {
  if (key.format === "jwk" && key.key_jwk === undefined) return [{ path: ["key_jwk"], message: "format jwk needs key_jwk" }];
  if (key.format !== "jwk" && key.key_base64 === undefined)
    return [{ path: ["key_base64"], message: `format ${String(key.format)} needs key_base64` }];
  return [];
}

/** A problem a rule across fields finds: where, and what to do. */
export interface RuleProblem {
  path: string[];
  message: string;
}

/** Adds the problems a rule found to a zod refinement. */
export function addProblems(ctx: z.RefinementCtx, problems: RuleProblem[]): void {
  for (const problem of problems) ctx.addIssue({ code: "custom", path: problem.path, message: problem.message });
}

/** A secret key as a program writes it (wire form): complete, strict. */
export const secretKeySchema = z.strictObject(SECRET_KEY_FIELDS).superRefine((key, ctx) => addProblems(ctx, secretKeyProblems(key)));

/** Binding types whose value is a secret: the API never returns it and `keep_bindings` may carry it over. */
export const SECRET_BINDING_TYPES = ["secret_text", "secret_key"] as const;

/** Fields of each binding type besides `type` and `name`. */
export const BINDING_FIELDS = {
  ai: {},
  ai_search: { instance_name: nonEmpty, namespace: optionalString },
  ai_search_namespace: { namespace: nonEmpty },
  analytics_engine: { dataset: nonEmpty },
  assets: {},
  browser: {},
  // The settings and version-detail references call the database `id`; the Workers for Platforms bindings
  // reference names it `database_id` and keeps `id` as deprecated (the pages in this file's header).
  d1: { id: optionalString, database_id: optionalString },
  data_blob: { part: nonEmpty },
  dispatch_namespace: {
    namespace: nonEmpty,
    outbound: z
      .object({
        params: z.array(z.object({ name: nonEmpty })).optional(),
        worker: z.object({ entrypoint: optionalString, environment: optionalString, service: optionalString }).optional(),
      })
      .optional(),
  },
  durable_object_namespace: {
    class_name: optionalString,
    dispatch_namespace: optionalString,
    environment: optionalString,
    namespace_id: z.string().max(32).optional(),
    script_name: optionalString,
  },
  flagship: { app_id: z.string().min(1).max(128) },
  hyperdrive: { id: nonEmpty },
  images: {},
  inherit: { old_name: optionalString, version_id: optionalString },
  json: { json: z.unknown().refine((v) => v !== undefined, "json is required") },
  kv_namespace: { namespace_id: z.string().min(1).max(32) },
  media: {},
  mtls_certificate: { certificate_id: nonEmpty },
  pipelines: { pipeline: nonEmpty },
  plain_text: { text: z.string() },
  queue: { queue_name: nonEmpty },
  ratelimit: {
    namespace_id: nonEmpty,
    simple: z.object({
      limit: z.number().positive(),
      period: z.number().int().positive(),
      mitigation_timeout: z.number().int().nonnegative().optional(),
    }),
  },
  r2_bucket: { bucket_name: nonEmpty, jurisdiction: z.enum(R2_JURISDICTIONS).optional() },
  secret_key: SECRET_KEY_FIELDS,
  // The API never returns the value of a secret, so `text` is optional on the wire; inputs require it.
  secret_text: { text: z.string().optional() },
  secrets_store_secret: { secret_name: nonEmpty, store_id: nonEmpty },
  send_email: {
    allowed_destination_addresses: z.array(z.string()).optional(),
    allowed_sender_addresses: z.array(z.string()).optional(),
    destination_address: optionalString,
  },
  service: { service: nonEmpty, entrypoint: optionalString, environment: optionalString },
  text_blob: { part: nonEmpty },
  vectorize: { index_name: nonEmpty },
  version_metadata: {},
  vpc_network: { network_id: optionalString, tunnel_id: optionalString },
  vpc_service: { service_id: nonEmpty },
  wasm_module: { part: nonEmpty },
  workflow: { workflow_name: nonEmpty, class_name: optionalString, script_name: optionalString },
} as const satisfies Record<string, z.ZodRawShape>;

export type BindingType = keyof typeof BINDING_FIELDS;
export const BINDING_TYPES = Object.keys(BINDING_FIELDS) as BindingType[];
/** Binding types whose `part` names a module of the same upload (wasm_module, text_blob, data_blob). */
export const PART_BINDING_TYPES: readonly BindingType[] = BINDING_TYPES.filter((type) => "part" in BINDING_FIELDS[type]);

export function isKnownBindingType(type: string): type is BindingType {
  return Object.prototype.hasOwnProperty.call(BINDING_FIELDS, type);
}

/** A binding name: the variable the Worker sees on `env`. */
export const bindingNameSchema = z
  .string()
  .min(1, "a binding needs a name")
  .max(1024)
  .refine((n) => !/[\u0000-\u001f\u007f]/.test(n), "a binding name cannot contain control characters");

type Fields = (typeof BINDING_FIELDS)[BindingType];

/**
 * Answers (settings, versions, `…/bindings`) give a secret_key as `{name, type}` only: its format, algorithm
 * and usages are withheld with the key, so on the wire they are optional. Inputs still require them.
 */
const ANSWERED_BINDING_FIELDS = {
  ...BINDING_FIELDS,
  secret_key: {
    ...BINDING_FIELDS.secret_key,
    // The SDK types the answered algorithm as `unknown`.
    algorithm: z.unknown().optional(),
    format: z.string().optional(),
    usages: z.array(z.string()).optional(),
  },
} as const satisfies Record<BindingType, z.ZodRawShape>;

function member<T extends BindingType>(type: T, fields: Fields, strict: boolean) {
  const shape = { type: z.literal(type), name: bindingNameSchema, ...fields };
  return strict ? z.strictObject(shape) : z.looseObject(shape);
}

/** One schema per known type, as answered (loose), typed per type: the SDK conformance tests compare each. */
type AnsweredShape<T extends BindingType> = { type: z.ZodLiteral<T>; name: typeof bindingNameSchema } & (typeof ANSWERED_BINDING_FIELDS)[T];
export type WireBindingMembers = {
  [T in BindingType]: AnsweredShape<T> extends infer S extends z.ZodRawShape ? z.ZodObject<S, z.core.$loose> : never;
};
export const WIRE_BINDING_MEMBERS = Object.fromEntries(
  BINDING_TYPES.map((type) => [type, member(type, ANSWERED_BINDING_FIELDS[type] as Fields, false)]),
) as unknown as WireBindingMembers;

function buildUnion(strict: boolean) {
  const members = BINDING_TYPES.map((type) => (strict ? member(type, BINDING_FIELDS[type], true) : WIRE_BINDING_MEMBERS[type]));
  return z.discriminatedUnion("type", members as unknown as [ReturnType<typeof member>, ...ReturnType<typeof member>[]]);
}

/**
 * Rules that span fields of one binding, shared by both unions and the emulator. `input`: the binding is
 * one a client sends (secrets carry their values), not one the API answers.
 */
export function bindingProblems(binding: Record<string, unknown>, input: boolean): RuleProblem[] {
  switch (binding.type) {
    case "d1":
      return binding.id === undefined && binding.database_id === undefined
        ? [{ path: ["database_id"], message: "a d1 binding needs database_id (or the deprecated id)" }]
        : [];
    case "vpc_network":
      return binding.network_id !== undefined && binding.tunnel_id !== undefined
        ? [{ path: ["tunnel_id"], message: "network_id and tunnel_id are mutually exclusive: give one" }]
        : [];
    case "secret_text":
      return input && typeof binding.text !== "string" ? [{ path: ["text"], message: "a secret_text binding needs text" }] : [];
    case "secret_key":
      return input ? secretKeyProblems(binding) : [];
    default:
      return [];
  }
}

function crossFieldRules(binding: Record<string, unknown>, ctx: z.RefinementCtx, input: boolean): void {
  addProblems(ctx, bindingProblems(binding, input));
}

/** A known binding type in its documented shape, as answered (loose; secret_key without its key fields). */
export const knownWireBindingSchema = buildUnion(false);

/** A binding of a type this package does not know (yet): kept as given. */
export const unknownBindingSchema = z.looseObject({
  type: z.string().refine((t) => !isKnownBindingType(t), "known binding types use their own schema"),
  name: z.string(),
});

/**
 * Any binding we cannot read as one of the known shapes, kept as it is: a type newer than this package, or a
 * known type in a shape we did not expect. It round-trips untouched (adoption, keepBindings, import).
 */
export const opaqueBindingSchema = z.looseObject({ type: z.string(), name: z.string() });
export type OpaqueBinding = z.infer<typeof opaqueBindingSchema>;

/** A binding as the API answers it: one of the known shapes, or opaque. Never fails for a {type, name} object. */
export const wireBindingSchema = z.union([knownWireBindingSchema, opaqueBindingSchema]);
export type WireBinding = z.infer<typeof wireBindingSchema>;

/** A binding as the emulator accepts it in a request (the API's validation): known shapes or unknown types. */
export const requestBindingSchema = z
  .union([knownWireBindingSchema, unknownBindingSchema])
  .superRefine((b, ctx) => crossFieldRules(b as Record<string, unknown>, ctx, false));

/** What the upload and settings endpoints accept: a known binding, complete (secret values included). */
export const bindingInputSchema = buildUnion(true).superRefine((b, ctx) => crossFieldRules(b as Record<string, unknown>, ctx, true));
export type BindingInput = z.infer<typeof bindingInputSchema>;

/**
 * The marker a program puts on a binding this package cannot check (a type newer than it, or a shape it does
 * not know): `opaque: true`. Such a binding is sent as written, without the marker; the import generator
 * writes it for every binding the API reports that `bindingInputSchema` refuses.
 */
export const OPAQUE_BINDING_MARKER = "opaque";

/** A program's opaque binding: any type and fields, a name, the marker. */
export const opaqueBindingInputSchema = z.looseObject({
  type: z.string().regex(/^[a-z][a-z0-9_]*$/, "a binding type is snake_case: lower-case letters, digits and '_'"),
  name: bindingNameSchema,
  [OPAQUE_BINDING_MARKER]: z.literal(true),
});

function isMarkedOpaque(value: unknown): boolean {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[OPAQUE_BINDING_MARKER] === true;
}

/**
 * A binding a program writes: a known, complete binding, or one marked opaque. Each is checked by its own
 * schema alone, so a failure names the field at fault rather than "no member of the union matched".
 */
/** A binding as a program writes it (wire shape), once checked. */
export type ProgramBinding = { type: string; name: string; [field: string]: unknown };

export const programBindingSchema: z.ZodType<ProgramBinding> = z.custom<ProgramBinding>().superRefine((value, ctx) => {
  const parsed = (isMarkedOpaque(value) ? opaqueBindingInputSchema : bindingInputSchema).safeParse(value);
  if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
});

/** The binding without the opaque marker: what goes on the wire. Pure. */
export function withoutOpaqueMarker<T extends Record<string, unknown>>(binding: T): T {
  if (!(OPAQUE_BINDING_MARKER in binding)) return binding;
  const { [OPAQUE_BINDING_MARKER]: _marker, ...rest } = binding;
  return rest as T;
}

/** Binding list with the rule the API enforces: names are unique within one Worker. */
export function bindingListSchema<T extends z.ZodType<{ name: string }>>(item: T) {
  return z.array(item).superRefine((list, ctx) => {
    const seen = new Map<string, number>();
    list.forEach((b, i) => {
      if (typeof b !== "object" || b === null || typeof b.name !== "string") return;
      const first = seen.get(b.name);
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: [i, "name"],
          message: `duplicate binding name "${b.name}" (also used by binding ${first}): binding names must be unique`,
        });
      } else {
        seen.set(b.name, i);
      }
    });
  });
}

/** Bindings as answered: every element kept (a duplicate name is the API's to prevent, not ours to refuse). */
export const wireBindingListSchema = z.array(wireBindingSchema);
/** Bindings of a request to the emulator: the API's rules, names unique. */
export const requestBindingListSchema = bindingListSchema(requestBindingSchema);
export const bindingInputListSchema = bindingListSchema(bindingInputSchema);
/** Bindings as a program writes them: known and complete, or marked opaque; names unique. */
export const programBindingListSchema: z.ZodType<ProgramBinding[]> = bindingListSchema(programBindingSchema);
