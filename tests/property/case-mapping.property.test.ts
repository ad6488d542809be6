/**
 * Property: the camelCase ↔ wire (snake_case) mapping of provider/resources/case.ts is a round trip for every
 * input a user can write, and leaves opaque data (json bindings, WebCrypto algorithm and JWK) untouched.
 */
import fc from "fast-check";
import { camelToSnake, fromWire, snakeToCamel, toWire } from "../../provider/resources/case";
import { RUNS } from "./runs";

/** A camelCase key as users write Pulumi inputs: a lower-case word, then capitalised words and digits. */
const camelKey = fc
  .tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/), fc.array(fc.stringMatching(/^[A-Z][a-z0-9]{0,6}$/), { maxLength: 3 }))
  .map(([head, tail]) => head + tail.join(""));

/** A snake_case key as the API writes it: lower-case words starting with a letter, joined by '_'. */
const snakeKey = fc.array(fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/), { minLength: 1, maxLength: 4 }).map((words) => words.join("_"));

const OPAQUE = new Set(["json", "algorithm", "key_jwk", "annotations"]);

const leaf = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.double({ noNaN: true, noDefaultInfinity: true }));

/** Arbitrary data (any keys at all), as a json binding or a JWK can hold. */
const anyJson = fc.jsonValue({ maxDepth: 3 });

function tree(key: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  const { node } = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leaf,
      fc.array(tie("node"), { maxLength: 4 }),
      fc.dictionary(
        key.filter((k) => !OPAQUE.has(camelToSnake(k)) && !OPAQUE.has(k)),
        tie("node"),
        { maxKeys: 5 },
      ),
    ),
  }));
  return node;
}

describe("camelCase ↔ wire mapping (properties)", () => {
  it("fromWire(toWire(x)) is x for every camelCase input tree", () => {
    fc.assert(
      fc.property(tree(camelKey), (input) => {
        expect(fromWire(toWire(input))).toEqual(input);
      }),
      { numRuns: RUNS.heavy },
    );
  });

  it("toWire(fromWire(x)) is x for every snake_case wire tree", () => {
    fc.assert(
      fc.property(tree(snakeKey), (wire) => {
        expect(toWire(fromWire(wire))).toEqual(wire);
      }),
      { numRuns: RUNS.heavy },
    );
  });

  it("every key toWire produces is snake_case, and every key fromWire produces has no '_' before a letter", () => {
    fc.assert(
      fc.property(camelKey, snakeKey, (camel, snake) => {
        expect(camelToSnake(camel)).toMatch(/^[a-z0-9_]+$/);
        expect(snakeToCamel(snake)).not.toMatch(/_[a-z]/);
        expect(snakeToCamel(camelToSnake(camel))).toBe(camel);
        expect(camelToSnake(snakeToCamel(snake))).toBe(snake);
      }),
      { numRuns: RUNS.heavy },
    );
  });

  it("the data of a json binding, a secret key's algorithm and its JWK pass through both ways untouched, whatever their keys", () => {
    fc.assert(
      fc.property(
        anyJson,
        fc.dictionary(fc.string(), anyJson, { maxKeys: 4 }),
        fc.dictionary(fc.string(), anyJson, { maxKeys: 4 }),
        (json, algorithm, jwk) => {
          const input = { bindings: [{ type: "json", name: "CONFIG", json }], secretKey: { algorithm, keyJwk: jwk, format: "jwk" } };
          const wire = toWire<{ bindings: { json: unknown }[]; secret_key: { algorithm: unknown; key_jwk: unknown } }>(input);
          expect(wire.bindings[0]!.json).toEqual(json);
          expect(wire.secret_key.algorithm).toEqual(algorithm);
          expect(wire.secret_key.key_jwk).toEqual(jwk);
          expect(fromWire(wire)).toEqual(input);
        },
      ),
      { numRuns: RUNS.heavy },
    );
  });

  it("version annotations map to workers/message and workers/tag and back, other annotation keys unchanged", () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.dictionary(
          fc.stringMatching(/^[a-z][a-zA-Z/]{0,10}$/).filter((k) => !k.startsWith("workers")),
          fc.string(),
          { maxKeys: 3 },
        ),
        (message, tag, others) => {
          const input = { annotations: { workersMessage: message, workersTag: tag, ...others } };
          const wire = toWire<{ annotations: Record<string, unknown> }>(input);
          expect(wire.annotations).toEqual({ "workers/message": message, "workers/tag": tag, ...others });
          expect(fromWire(wire)).toEqual(input);
        },
      ),
      { numRuns: RUNS.normal },
    );
  });
});
