/** The migrations list: which steps an update sends given the live tag, what check refuses, what a refresh shows. */
import { checkMigrations, lastMigrationTag, migrationsAsLive, migrationsToSend } from "../../provider/resources/migrations";

const HISTORY = [
  { tag: "v1", newClasses: ["Counter"] },
  { tag: "v2", newSqliteClasses: ["Room"] },
  { tag: "v3", renamedClasses: [{ from: "Counter", to: "Tally" }] },
];

describe("migrationsToSend", () => {
  it("sends every step to a Worker without a tag, with new_tag the last tag and no old_tag", () => {
    expect(migrationsToSend(HISTORY, undefined, "W")).toEqual({
      new_tag: "v3",
      steps: [{ new_classes: ["Counter"] }, { new_sqlite_classes: ["Room"] }, { renamed_classes: [{ from: "Counter", to: "Tally" }] }],
    });
  });

  it("sends only the steps after the live tag, from old_tag = the live tag", () => {
    expect(migrationsToSend(HISTORY, "v1", "W")).toEqual({
      old_tag: "v1",
      new_tag: "v3",
      steps: [{ new_sqlite_classes: ["Room"] }, { renamed_classes: [{ from: "Counter", to: "Tally" }] }],
    });
    expect(migrationsToSend(HISTORY, "v2", "W")).toEqual({
      old_tag: "v2",
      new_tag: "v3",
      steps: [{ renamed_classes: [{ from: "Counter", to: "Tally" }] }],
    });
  });

  it("sends nothing when the live tag is the last one, or without migrations", () => {
    expect(migrationsToSend(HISTORY, "v3", "W")).toBeUndefined();
    expect(migrationsToSend(undefined, "v3", "W")).toBeUndefined();
    expect(migrationsToSend([], undefined, "W")).toBeUndefined();
  });

  it("refuses a live tag that is not in the list, naming it, the list's tags and what to do", () => {
    expect(() => migrationsToSend(HISTORY, "v9", 'WorkerScript "api"')).toThrow(
      /WorkerScript "api": the live Worker has migration tag "v9", which is not in migrations \(tags "v1", "v2", "v3"\)\. Nothing was sent\./,
    );
    expect(() => migrationsToSend(HISTORY, "v9", "W")).toThrow(expect.objectContaining({ property: "migrations" }));
  });

  it("keeps the old single-object form working as a one-step history ending at newTag", () => {
    const old = { newTag: "v2", oldTag: "v1", newClasses: ["B"] };
    expect(migrationsToSend(old, "v1", "W")).toEqual({ old_tag: "v1", new_tag: "v2", steps: [{ new_classes: ["B"] }] });
    expect(migrationsToSend(old, "v2", "W")).toBeUndefined();
    expect(migrationsToSend({ newTag: "v1", newClasses: ["A"] }, undefined, "W")).toEqual({
      new_tag: "v1",
      steps: [{ new_classes: ["A"] }],
    });
    expect(migrationsToSend({ newTag: "v2", oldTag: "v1", steps: [{ newClasses: ["B"] }] }, "v1", "W")).toEqual({
      old_tag: "v1",
      new_tag: "v2",
      steps: [{ new_classes: ["B"] }],
    });
  });

  it("stops the old form at a live tag it does not start from, showing the list form", () => {
    expect(() => migrationsToSend({ newTag: "v2", oldTag: "v1", newClasses: ["B"] }, "v7", "W")).toThrow(
      /migrations goes from migration tag "v1" to "v2", but the live Worker has migration tag "v7"\. .*migrations: \[\{ tag: "v1"/,
    );
  });
});

describe("checkMigrations", () => {
  it("accepts a valid history and both old forms with newTag", () => {
    expect(checkMigrations(HISTORY)).toEqual([]);
    expect(checkMigrations({ newTag: "v1", newClasses: ["A"] })).toEqual([]);
    expect(checkMigrations({ newTag: "v2", oldTag: "v1", steps: [{ deletedClasses: ["A"] }] })).toEqual([]);
    expect(
      checkMigrations([
        { tag: "v1", transferredClasses: [{ from: "A", fromScript: "other", to: "B" }] },
        { tag: "v2", deletedClasses: ["B"] },
      ]),
    ).toEqual([]);
    // A history that starts after steps applied elsewhere (an imported Worker at tag "v3"): a tag-only step.
    expect(checkMigrations([{ tag: "v3" }, { tag: "v4", renamedClasses: [{ from: "Old", to: "New" }] }])).toEqual([]);
  });

  it.each([
    [
      "a tag used twice",
      [
        { tag: "v1", newClasses: ["A"] },
        { tag: "v1", newClasses: ["B"] },
      ],
      'tag "v1" appears twice',
    ],
    ["a step without a tag", [{ newClasses: ["A"] }], "migrations[0].tag"],
    ["a class name that is not an identifier", [{ tag: "v1", newClasses: ["my-class"] }], "JavaScript identifier"],
    ["an unknown field", [{ tag: "v1", newClases: ["A"] }], "unknown field newClases"],
    [
      "a class created twice",
      [
        { tag: "v1", newClasses: ["A"] },
        { tag: "v2", newSqliteClasses: ["A"] },
      ],
      'step "v2" creates class A, which an earlier step already created',
    ],
    [
      "a rename onto a class that exists",
      [
        { tag: "v1", newClasses: ["A", "B"] },
        { tag: "v2", renamedClasses: [{ from: "A", to: "B" }] },
      ],
      'step "v2" creates class B',
    ],
    ["the old form without newTag", { newClasses: ["A"] }, 'write the ordered list of tagged steps instead: migrations: [{ tag: "v1"'],
    ["a string", "v1", "expected the ordered list of tagged steps"],
  ])("refuses %s, naming the property and the fix", (_label, value, reason) => {
    const failures = checkMigrations(value);
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((f) => f.property === "migrations")).toBe(true);
    expect(failures.map((f) => f.reason).join("\n")).toContain(reason);
  });
});

describe("migrationsAsLive (refresh)", () => {
  it("is the program's value at the last tag, the applied prefix at an earlier tag, and the unknown tag otherwise", () => {
    expect(migrationsAsLive(HISTORY, "v3")).toBe(HISTORY);
    expect(migrationsAsLive(HISTORY, "v1")).toEqual([HISTORY[0]]);
    expect(migrationsAsLive(HISTORY, undefined)).toEqual([]);
    expect(migrationsAsLive(HISTORY, "v9")).toEqual([{ tag: "v9" }]);
    expect(migrationsAsLive({ newTag: "v2", oldTag: "v1" }, "v1")).toEqual({ newTag: "v1", oldTag: "v1" });
    expect(migrationsAsLive(undefined, "v1")).toBeUndefined();
    expect(lastMigrationTag(HISTORY)).toBe("v3");
  });
});
