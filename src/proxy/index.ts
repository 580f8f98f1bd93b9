/** `weir proxy`: Envoy's part in front of an application, calling weir over ext_proc. */
export { type ProxyOptions, ProxyOptionsError } from "./options.js";
export { type RunningProxy, startProxy } from "./proxy-server.js";
