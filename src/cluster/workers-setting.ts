/**
 * The `--workers N` / WEIR_WORKERS setting of `weir serve`: how many processes serve ext_proc,
 * sharing the gRPC port. 1 is one process, as before clustering; more starts a primary process
 * that forks N workers (src/cluster/primary.ts). The default is the cores this process may use.
 */
import { integerIn, type Setting } from "../config/setting.js";
import { availableCores } from "./cores.js";

/** More workers than this is a typo, not a machine: each worker holds ~100 MiB. */
export const MAX_WORKERS = 256;

export const WORKERS: Setting<number> = {
  flag: "workers",
  env: "WEIR_WORKERS",
  valueName: "N",
  help:
    "processes serving ext_proc on the one gRPC port (1: a single process; more: a primary " +
    "forks N workers and serves the metrics listener for all of them)",
  defaultText: "the number of CPU cores (capped by a cgroup CPU limit)",
  default: () => availableCores(),
  parse: integerIn(1, MAX_WORKERS),
};
