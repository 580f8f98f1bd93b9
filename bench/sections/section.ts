/** What every bench section gets: the profile, the report to add rows to, shared fixtures. */
import type { Fixtures } from "../harness/fixtures.js";
import type { Profile } from "../harness/options.js";
import type { Report } from "../harness/report.js";

export interface SectionContext {
  readonly profile: Profile;
  readonly report: Report;
  readonly fixtures: Fixtures;
}

export interface Section {
  readonly name: string;
  run(context: SectionContext): Promise<void>;
}
