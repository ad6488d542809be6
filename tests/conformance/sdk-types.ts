/**
 * Type-level tools for comparing the official SDK's response types (generated from Cloudflare's OpenAPI
 * schema) with the input types of our answer schemas. Everything here is erased at run time: a mismatch is
 * a compile error of `npm run typecheck` (and of ts-jest), never a test that passes by accident.
 */
import type { z } from "zod";
import type { BindingType, WireBindingMembers } from "../../provider/cloudflare/schemas";

/**
 * The SDK's interfaces as plain object types. An interface has no implicit index signature, so it is never
 * assignable to a loose object's `{ [k: string]: unknown }`; a mapped type is, and keeps every field as is.
 */
export type Plain<T> = T extends readonly (infer E)[] ? Plain<E>[] : T extends object ? { [K in keyof T]: Plain<T[K]> } : T;

/** `true` when the SDK's answer type is assignable to the schema's input, else the SDK type itself (shown in the error). */
export type Fits<Sdk, Schema extends z.ZodType> = [Plain<Sdk>] extends [z.input<Schema>]
  ? true
  : { sdk: Plain<Sdk>; schema: z.input<Schema> };

/**
 * Bindings: the opaque member of our union takes any `{type, name}`, which would make a whole-union check
 * vacuous. So each SDK binding kind of a type we know is compared with our schema for that type alone; kinds
 * of types we do not know are kept as opaque bindings by design (listed by `UnknownKinds`).
 */
type KindFits<B> = B extends { type: infer T }
  ? T extends BindingType
    ? [Plain<B>] extends [z.input<WireBindingMembers[T]>]
      ? never
      : { type: T; sdk: Plain<B>; ours: z.input<WireBindingMembers[T]> }
    : never
  : { missingType: B };
/** `true` when every known kind of the SDK union fits its own member schema; otherwise the kinds that do not. */
export type BindingsFit<Union> = [KindFits<Union>] extends [never] ? true : KindFits<Union>;
/** The `type` of each SDK binding kind this package does not model (kept opaque). */
export type UnknownKinds<Union> = Union extends { type: infer T } ? (T extends BindingType ? never : T) : never;

/** Compiles only for `true`: `type _ = [Expect<Fits<…>>]`. */
export type Expect<T extends true> = T;
/** `true` when A and B are the same type. */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** The SDK type with some fields replaced: how a deliberate difference is written down (with its reason). */
export type Replace<T, Fields> = Omit<T, keyof Fields> & Fields;
