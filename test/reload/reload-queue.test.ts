// Reloads run one at a time, and requests made during a run fold into one more run.
import { describe, expect, it } from "vitest";
import { ReloadQueue } from "../../src/reload/reload-queue.js";

/** A run that waits until the test releases it, recording what it was asked. */
function gatedRuns() {
  const calls: { reason: string; force: boolean }[] = [];
  const gates: (() => void)[] = [];
  let active = 0;
  let overlapped = false;
  const run = async (reason: string, force: boolean) => {
    calls.push({ reason, force });
    active++;
    if (active > 1) overlapped = true;
    await new Promise<void>((resolve) => gates.push(resolve));
    active--;
  };
  const releaseNext = async () => {
    while (gates.length === 0) await new Promise((r) => setImmediate(r));
    gates.shift()?.();
  };
  return { calls, run, releaseNext, overlapped: () => overlapped };
}

describe("ReloadQueue", () => {
  it("runs one reload at a time and folds requests made during it into one more", async () => {
    const g = gatedRuns();
    const queue = new ReloadQueue(g.run);
    const first = queue.request("SIGHUP", true);
    const second = queue.request("file change a", false);
    const third = queue.request("file change b", false);
    await g.releaseNext();
    await g.releaseNext();
    await Promise.all([first, second, third]);
    expect(g.calls).toEqual([
      { reason: "SIGHUP", force: true },
      { reason: "file change b", force: false },
    ]);
    expect(g.overlapped()).toBe(false);
  });

  it("forces the folded run when any request folded into it was forced", async () => {
    const g = gatedRuns();
    const queue = new ReloadQueue(g.run);
    const first = queue.request("file change", false);
    const second = queue.request("SIGHUP", true);
    const third = queue.request("file change", false);
    await g.releaseNext();
    await g.releaseNext();
    await Promise.all([first, second, third]);
    expect(g.calls.map((c) => c.force)).toEqual([false, true]);
  });

  it("starts afresh once idle", async () => {
    const g = gatedRuns();
    const queue = new ReloadQueue(g.run);
    const first = queue.request("a", true);
    await g.releaseNext();
    await first;
    await queue.idle();
    const second = queue.request("b", true);
    await g.releaseNext();
    await second;
    expect(g.calls.map((c) => c.reason)).toEqual(["a", "b"]);
  });
});
