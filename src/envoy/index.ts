/** The Envoy-faithful ext_proc client core: what the proxy and the test simulator build on. */
export { type ExchangeOptions, ExtProcClient } from "./client.js";
export {
  ConfigError,
  type ExtProcConfig,
  type ExtProcConfigInput,
  type MutationRulesConfig,
  type ProcessingModeConfig,
  resolveConfig,
} from "./config.js";
export { Exchange } from "./exchange.js";
export {
  byteStringToBytes,
  bytesToByteString,
  fromHeaderMap,
  getHeader,
  toHeaderMap,
  utf8ToByteString,
} from "./headers.js";
export { DEFAULT_SWITCHES, type EnvoyVersion, type Switches, switchesFor } from "./switches.js";
export type {
  BodyMode,
  Direction,
  ExchangeCallbacks,
  ExchangeEvent,
  ExchangeObserver,
  FlowSink,
  HeaderList,
  LocalReply,
  LocalReplyCause,
  ResponseHandling,
  SendMode,
  StreamCloseKind,
} from "./types.js";
export { PROCESS_METHOD_PATH } from "./wire.js";
