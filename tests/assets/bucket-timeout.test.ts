import { bucketTimeoutMs } from "../../provider/resources/assets";

describe("bucketTimeoutMs: the per-attempt timeout of one bucket upload", () => {
  it("keeps the usual 60 s for small buckets and allows 128 KiB/s plus 30 s for large ones", () => {
    expect(bucketTimeoutMs(0)).toBe(60_000);
    expect(bucketTimeoutMs(3_000_000)).toBe(60_000);
    expect(bucketTimeoutMs(67 * 1024 * 1024)).toBe(30_000 + 536_000);
  });
});
