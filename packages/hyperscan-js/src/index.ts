// hyperscan-js: a thin N-API binding over the system Hyperscan (Vectorscan) library.
// See README.md for requirements, the thread rule and error codes.

export {
  type CompileOptions,
  Database,
  type ExpressionSpec,
  type LiteralSpec,
} from "./database.js";
export { HyperscanError } from "./errors.js";
export { type ExpressionInfo, expressionInfo, validPlatform, version } from "./expression-info.js";
export type { Flag, Mode, SomHorizon } from "./flags.js";
export { MatchBuffer } from "./match-buffer.js";
export { Stream } from "./stream.js";
