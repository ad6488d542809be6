/**
 * Properties of the canonical forms in provider/resources/normalise.ts: applying a normaliser twice gives
 * what applying it once gives (idempotent), and the order in which the API returns an unordered collection
 * never matters (order-insensitive). Binding names are unique, as the API and check require.
 */
import fc from "fast-check";
import {
  normaliseBinding,
  normaliseBindings,
  normaliseOptionalObject,
  normalisePlacement,
  normaliseStringSet,
  normaliseTailConsumers,
  normaliseUsageModel,
} from "../../provider/resources/normalise";
import { sameValue } from "../../provider/resources/common";
import { RUNS } from "./runs";

type Json = Record<string, unknown>;

/** A binding name as people write them: an environment-variable-like identifier. */
const identifierName = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,15}$/);

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const email = fc.emailAddress();
const hex32 = fc.stringMatching(/^[0-9a-f]{32}$/);
const serviceName = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);

/** One binding without its name (arbitraries are built once: building fc.emailAddress() is costly). */
const bindingBody: fc.Arbitrary<Json> = fc.oneof(
  fc.record({ type: fc.constant("plain_text"), text: fc.string() }),
  fc.record({ type: fc.constant("kv_namespace"), namespace_id: hex32 }),
  fc.record({ type: fc.constant("json"), json: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({ type: fc.constant("version_metadata") }),
  fc.record(
    { type: fc.constant("d1"), id: optional(fc.constantFrom("db-1", "db-2")), database_id: optional(fc.constantFrom("db-1", "db-2")) },
    { requiredKeys: ["type"] },
  ),
  fc.record(
    {
      type: fc.constant("send_email"),
      allowed_destination_addresses: optional(fc.array(email, { maxLength: 4 })),
      allowed_sender_addresses: optional(fc.array(email, { maxLength: 4 })),
      destination_address: optional(email),
    },
    { requiredKeys: ["type"] },
  ),
  fc.record(
    { type: fc.constant("service"), service: serviceName, environment: optional(fc.constant("production")) },
    { requiredKeys: ["type", "service"] },
  ),
);

function binding(name: string): fc.Arbitrary<Json> {
  return bindingBody.map((body) => ({ ...body, name }));
}

/** A list of bindings with unique names. */
function bindings(name: fc.Arbitrary<string>): fc.Arbitrary<Json[]> {
  return fc
    .tuple(fc.uniqueArray(name, { maxLength: 8 }), fc.array(bindingBody, { minLength: 8, maxLength: 8 }))
    .map(([names, bodies]) => names.map((n, i) => ({ ...bodies[i]!, name: n })));
}

/** The same list in another order. */
function withShuffle<T>(list: fc.Arbitrary<T[]>): fc.Arbitrary<[T[], T[]]> {
  return list.chain((items) =>
    fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length }).map((shuffled) => [items, shuffled] as [T[], T[]]),
  );
}

const tailConsumer = fc.record(
  {
    service: serviceName,
    environment: optional(fc.constantFrom("production", "staging")),
    namespace: optional(fc.constantFrom("ns-a", "ns-b")),
  },
  { requiredKeys: ["service"] },
);

describe("normalisation (properties)", () => {
  it("normaliseBindings is idempotent", () => {
    fc.assert(
      fc.property(bindings(identifierName), (list) => {
        const once = normaliseBindings(list);
        expect(normaliseBindings(once)).toEqual(once);
      }),
      { numRuns: RUNS.heavy },
    );
  });

  it("normaliseBinding is idempotent on every binding, including d1's deprecated id and send_email's address sets", () => {
    fc.assert(
      fc.property(identifierName.chain(binding), (b) => {
        const once = normaliseBinding(b);
        expect(normaliseBinding(once)).toEqual(once);
      }),
      { numRuns: RUNS.heavy },
    );
  });

  it("normaliseBindings ignores the order of bindings named like environment variables", () => {
    fc.assert(
      fc.property(withShuffle(bindings(identifierName)), ([list, shuffled]) => {
        expect(sameValue(normaliseBindings(list), normaliseBindings(shuffled))).toBe(true);
      }),
      { numRuns: RUNS.heavy },
    );
  });

  it("normaliseBindings ignores the order of the addresses of a send_email binding", () => {
    fc.assert(
      fc.property(withShuffle(fc.uniqueArray(fc.emailAddress(), { maxLength: 5 })), ([addresses, shuffled]) => {
        const a = normaliseBindings([{ type: "send_email", name: "MAIL", allowed_sender_addresses: addresses }]);
        const b = normaliseBindings([{ type: "send_email", name: "MAIL", allowed_sender_addresses: shuffled }]);
        expect(a).toEqual(b);
      }),
      { numRuns: RUNS.normal },
    );
  });

  it("normaliseStringSet is idempotent and ignores order and duplicates", () => {
    fc.assert(
      fc.property(
        withShuffle(fc.array(fc.string(), { maxLength: 10 })),
        fc.array(fc.string(), { maxLength: 3 }),
        ([list, shuffled], extra) => {
          const once = normaliseStringSet(list);
          expect(normaliseStringSet(once)).toEqual(once);
          expect(normaliseStringSet(shuffled)).toEqual(once);
          // Repeating members changes nothing.
          expect(normaliseStringSet([...list, ...list.filter((_, i) => i < extra.length)])).toEqual(once);
        },
      ),
      { numRuns: RUNS.heavy },
    );
  });

  it("normaliseTailConsumers is idempotent and ignores order", () => {
    fc.assert(
      fc.property(
        withShuffle(
          fc.uniqueArray(tailConsumer, { maxLength: 6, selector: (c) => JSON.stringify([c.service, c.environment, c.namespace]) }),
        ),
        ([list, shuffled]) => {
          const once = normaliseTailConsumers(list);
          expect(normaliseTailConsumers(once)).toEqual(once);
          expect(normaliseTailConsumers(shuffled)).toEqual(once);
        },
      ),
      { numRuns: RUNS.heavy },
    );
  });

  it("placement, optional objects and the usage model normalise idempotently, with measured and default values dropped", () => {
    const placement = fc.record(
      {
        mode: optional(fc.constant("smart")),
        region: optional(fc.constantFrom("aws:us-east-1", "gcp:europe-west1")),
        last_analyzed_at: optional(fc.date().map((d) => (Number.isNaN(d.getTime()) ? "2026-01-01T00:00:00Z" : d.toISOString()))),
        status: optional(fc.constantFrom("SUCCESS", "UNSUPPORTED_APPLICATION")),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        placement,
        fc.option(fc.constantFrom("standard", "bundled", "unbound")),
        fc.dictionary(fc.string(), optional(fc.integer()), { maxKeys: 3 }),
        (p, usage, object) => {
          const once = normalisePlacement(p);
          expect(normalisePlacement(once)).toEqual(once);
          expect(once === undefined || (!("status" in once) && !("last_analyzed_at" in once))).toBe(true);
          // The measured fields alone never make a change.
          expect(sameValue(normalisePlacement({ ...p, status: "SUCCESS", last_analyzed_at: "2020-01-01T00:00:00Z" }), once)).toBe(true);
          const model = normaliseUsageModel(usage);
          expect(normaliseUsageModel(model)).toBe(model);
          expect(normaliseUsageModel("standard")).toBeUndefined();
          const obj = normaliseOptionalObject(object);
          expect(normaliseOptionalObject(obj)).toEqual(obj);
        },
      ),
      { numRuns: RUNS.heavy },
    );
  });
});

describe("normalisation (examples the properties found)", () => {
  // normaliseBindings must not sort with String.prototype.localeCompare, which calls distinct names equal when
  // they differ only by a character collation ignores (here U+200D ZERO WIDTH JOINER, which a binding name may
  // hold): such a sort keeps their input order, so the API returning the same bindings in another order would
  // show as a change in the diff.
  it("normaliseBindings gives one order for bindings whose names collation calls equal", () => {
    const list = [
      { type: "plain_text", name: "ab", text: "1" },
      { type: "plain_text", name: "a\u200db", text: "2" },
    ];
    expect(sameValue(normaliseBindings(list), normaliseBindings([...list].reverse()))).toBe(true);
  });
});
