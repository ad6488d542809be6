/** Collects the lines the provider would print in `pulumi up`'s output, instead of writing them to stderr. */
import { setNoticeSink } from "../../../provider/cloudflare";

export function captureNotices(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const restore = setNoticeSink((line) => lines.push(line));
  return { lines, restore };
}
