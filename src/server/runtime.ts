/**
 * What a stream is served with: the compiled engine and the route policies, built together
 * from one configuration and swapped together by a reload. A stream reads the current runtime
 * once, when it opens, and keeps it to the end, so a reload never changes an exchange in flight.
 */
import type { InspectionEngine } from "../inspect/types.js";
import type { PolicySet } from "../policy/route-policy.js";

export interface Runtime {
  readonly engine: InspectionEngine;
  readonly policies: PolicySet;
  /** Increments with each successful reload (0 at start); for logs and tests. */
  readonly generation: number;
}
