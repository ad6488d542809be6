/**
 * Runs cron triggers on the clock (`runCrons`): at each minute boundary (UTC, as Cloudflare runs them:
 * https://developers.cloudflare.com/workers/configuration/cron-triggers/), fires `scheduled()` of every
 * deployed Worker with an expression matching that minute.
 *
 * Matching reads the canonical form `cronKey` compiles (provider/cloudflare/schemas/cron.ts): per field `*` or
 * a list of values. The day-of-month and day-of-week fields, when both are restricted, match either (as in
 * Vixie cron; Cloudflare's documentation does not say). The special forms `L`, `W`, `L-n`, `nW`, `dL` and
 * `d#n` are evaluated against the calendar too.
 */
import { cronKey } from "../../provider/cloudflare/schemas";

/** Whether `expression` fires at the minute of `at` (UTC). An expression that does not parse never fires. */
export function cronMatches(expression: string, at: Date): boolean {
  let key: string;
  try {
    key = cronKey(expression);
  } catch {
    return false;
  }
  const [minute, hour, dom, month, dow] = key.split(" ") as [string, string, string, string, string];
  if (!inList(minute, at.getUTCMinutes()) || !inList(hour, at.getUTCHours()) || !inList(month, at.getUTCMonth() + 1)) return false;
  const domOk = dayOfMonthMatches(dom, at);
  const dowOk = dayOfWeekMatches(dow, at);
  if (dom === "*" || dow === "*") return domOk && dowOk;
  return domOk || dowOk;
}

function inList(field: string, value: number): boolean {
  return field === "*" || field.split(",").map(Number).includes(value);
}

function daysInMonth(at: Date): number {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 0)).getUTCDate();
}

function isWeekday(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month, day)).getUTCDay();
  return d !== 0 && d !== 6;
}

/** The weekday nearest to `day` within the month (Quartz's `W`). */
function nearestWeekday(at: Date, day: number): number {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  const last = daysInMonth(at);
  const d = Math.min(day, last);
  const weekday = new Date(Date.UTC(y, m, d)).getUTCDay();
  if (weekday === 6) return d === 1 ? 3 : d - 1;
  if (weekday === 0) return d === last ? d - 2 : d + 1;
  return d;
}

function dayOfMonthMatches(field: string, at: Date): boolean {
  const day = at.getUTCDate();
  const last = daysInMonth(at);
  if (field === "L") return day === last;
  if (field === "LW") {
    let d = last;
    while (!isWeekday(at.getUTCFullYear(), at.getUTCMonth(), d)) d--;
    return day === d;
  }
  const offset = /^L-(\d+)(W?)$/.exec(field);
  if (offset !== null) {
    const target = Math.max(1, last - Number(offset[1]));
    return day === (offset[2] === "W" ? nearestWeekday(at, target) : target);
  }
  const nearest = /^(\d+)W$/.exec(field);
  if (nearest !== null) return day === nearestWeekday(at, Number(nearest[1]));
  return inList(field, day);
}

function dayOfWeekMatches(field: string, at: Date): boolean {
  // Cloudflare numbers weekdays 1-7 from Sunday; getUTCDay() counts 0-6 from Sunday.
  const weekday = at.getUTCDay() + 1;
  const lastOf = /^(\d)L$/.exec(field);
  if (lastOf !== null) return weekday === Number(lastOf[1]) && at.getUTCDate() + 7 > daysInMonth(at);
  const nth = /^(\d)#(\d)$/.exec(field);
  if (nth !== null) return weekday === Number(nth[1]) && Math.ceil(at.getUTCDate() / 7) === Number(nth[2]);
  return inList(field, weekday);
}

/** Calls `tick(minute)` at every minute boundary until stopped. */
export function startMinuteClock(tick: (minute: Date) => void, now: () => number = Date.now): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    const t = now();
    const next = Math.floor(t / 60_000) * 60_000 + 60_000;
    timer = setTimeout(() => {
      tick(new Date(next));
      schedule();
    }, next - t);
    timer.unref();
  };
  schedule();
  return {
    stop: () => {
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
