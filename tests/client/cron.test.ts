/** The cron expression rules of Cloudflare's Cron Triggers (provider/cloudflare/schemas/cron.ts). */
import { cronKey, cronProblem, parseCron } from "../../provider/cloudflare/schemas";

describe("cron expressions Cloudflare accepts", () => {
  it.each([
    "* * * * *",
    "*/30 * * * *",
    "45 * * * *",
    "0 17 * * sun",
    "0 17 * * 1",
    "10 7 * * mon-fri",
    "10 7 * * 2-6",
    "0 15 1 * *",
    "0 18 * * 6L",
    "0 18 * * friL",
    "59 23 LW * *",
    "0 3 L * FRI",
    "0 0 L-3 * *",
    "0 0 L-2W * *",
    "0 0 15W * *",
    "0 0 * * 6#3",
    "0 0 * * MON#1",
    "0 0 * * L",
    "0,15,30,45 0-6/2,22-23 1-10,20 JAN-MAR,dec *",
    "5/10 * * * *",
    "*/5,2 * * * *",
    "50-10 22-2 * * FRI-SUN",
    "0\t12  * * *",
    "0 0 * */3 *",
    "0 0 */7 * *",
  ])("accepts %s", (expression) => {
    expect(cronProblem(expression)).toBeUndefined();
  });
});

describe("cron expressions Cloudflare refuses, with the expression and the field named", () => {
  it.each([
    ["61 * * * *", "minute", "61 is out of range 0-59"],
    ["* 24 * * *", "hour", "24 is out of range 0-23"],
    ["* * 0 * *", "day of month", "0 is out of range 1-31"],
    ["* * 32 * *", "day of month", "32 is out of range 1-31"],
    ["* * * 13 *", "month", "13 is out of range 1-12"],
    ["* * * JANUARY *", "month", "is not a value of this field"],
    ["0 22 * * 0", "day of week", "Cloudflare numbers weekdays 1-7 with 1 = Sunday"],
    ["* * * * 8", "day of week", "8 is out of range 1-7"],
    ["*/0 * * * *", "minute", "the step 0 is out of range 1-59"],
    ["*/60 * * * *", "minute", "the step 60 is out of range 1-59"],
    ["* */24 * * *", "hour", "out of range 1-23"],
    ["*,5 * * * *", "minute", "`*` stands alone"],
    ["*-5 * * * *", "minute", "`*` cannot start a range"],
    ["1,,2 * * * *", "minute", "a value is missing"],
    ["* * ? * *", "day of month", "does not support `?`"],
    ["* * * * ?", "day of week", "does not support `?`"],
    ["* * lw * *", "day of month", "upper case"],
    ["* * L-31 * *", "day of month", "1-30"],
    ["* * 1,L * *", "day of month", "stand alone"],
    ["* * * * 6#6", "day of week", "out of range 1-5"],
    ["* * * * 6#", "day of week", "`#` is written"],
    ["* * * * 1,6L", "day of week", "`L` is written"],
    ["L * * * *", "minute", "`L`, `W` and `#` are only for"],
  ])("refuses %s in the %s field", (expression, field, reason) => {
    const problem = cronProblem(expression);
    expect(problem).toContain(JSON.stringify(expression));
    expect(problem).toContain(`the ${field} field`);
    expect(problem).toContain(reason);
  });

  it.each([
    ["*/5 * * *", "has 4 fields"],
    ["0 */5 * * * *", "has 6 fields"],
    ["", "is empty"],
    [" * * * * *", "spaces before or after"],
    ["* * * * *\n", "spaces before or after"],
    ["* * * * é", "printable ASCII"],
  ])("refuses %j as a whole", (expression, reason) => {
    const parsed = parseCron(expression);
    expect(parsed).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });
});

describe("the compiled identity of a schedule", () => {
  it.each([
    ["*/30 * * * *", "0,30 * * * *"],
    ["0-59 * * * *", "* * * * *"],
    ["0 0 * jan-mar *", "0 0 * 1,2,3 *"],
    ["0 0 * * sun", "0 0 * * 1"],
    ["0 0 * * L", "0 0 * * 7"],
    ["0 0 * * friL", "0 0 * * 6L"],
    ["50-10 * * * *", "50-59,0-10 * * * *"],
  ])("%s is the same schedule as %s", (a, b) => {
    expect(cronKey(a)).toBe(cronKey(b));
  });

  it.each([
    ["0 0 * * *", "0 0 * * 1"],
    ["0 0 L * *", "0 0 31 * *"],
    ["*/5 * * * *", "*/10 * * * *"],
  ])("%s differs from %s", (a, b) => {
    expect(cronKey(a)).not.toBe(cronKey(b));
  });
});
