/**
 * Last-resort cleanup: host processes and temp folders that a test forgot to close are removed when the
 * test process exits, so an aborted run leaves no orphans. Normal code paths unregister after cleaning up.
 */
const pending = new Set<() => void>();
let hooked = false;

export function registerCleanup(action: () => void): () => void {
  if (!hooked) {
    hooked = true;
    process.once("exit", () => {
      for (const run of pending) {
        try {
          run();
        } catch {
          // best effort at exit: nothing left to report to
        }
      }
      pending.clear();
    });
  }
  pending.add(action);
  return () => pending.delete(action);
}
