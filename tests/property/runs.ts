/**
 * How many cases each property runs. PROPERTY_RUNS_SCALE (default 1) multiplies them, e.g. 10 for a long
 * soak before a release; docs/reliability.md quotes the figures at scale 1.
 */
const scale = Math.max(1, Number(process.env.PROPERTY_RUNS_SCALE ?? "1") || 1);

export const RUNS = {
  /** Cheap pure properties. */
  heavy: 1_000 * scale,
  normal: 500 * scale,
  /** Properties that serialise multipart bodies through undici. */
  light: 200 * scale,
};
