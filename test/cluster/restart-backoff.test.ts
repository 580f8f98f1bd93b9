// A worker dying again and again is restarted after doubling delays up to a ceiling; one that
// stayed up long enough starts over at the base delay.
import { describe, expect, it } from "vitest";
import { RestartBackoff } from "../../src/cluster/restart-backoff.js";

const options = { baseMs: 100, maxMs: 1000, stableMs: 5000 };

describe("RestartBackoff", () => {
  it("doubles the delay for each death in a row, up to the ceiling", () => {
    const backoff = new RestartBackoff(options);
    const delays = Array.from({ length: 7 }, () => backoff.next(10));
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it("starts over after a worker stayed up for the stable period", () => {
    const backoff = new RestartBackoff(options);
    backoff.next(10);
    backoff.next(10);
    expect(backoff.next(10)).toBe(400);
    expect(backoff.next(options.stableMs)).toBe(100);
    expect(backoff.next(10)).toBe(200);
  });
});
