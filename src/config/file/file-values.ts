/**
 * What a checked configuration file contributes to the serve configuration, as typed values:
 * each setting the file sets (undefined where it is silent, so flags, environment and
 * defaults can be layered around it), the sections only the file has (limits, timing, events)
 * with their defaults filled in, and the policy part (families, exclusions, routes) that
 * becomes the PolicySet once the global values are known.
 */
import { type BudgetPolicy, DEFAULT_MESSAGE_BUDGET } from "../../inspect/budget.js";
import type { InspectionLimits } from "../../inspect/limits.js";
import type { LogLevel } from "../../log/logger.js";
import type { Mode } from "../../policy/decision.js";
import { type RedactionOptions, redactionOptions } from "../../redact/options.js";
import { type Listen, parseListen } from "../listen.js";
import { limitsOf } from "./limits.js";
import type { ConfigFile } from "./load-config-file.js";
import type { PolicyDocument } from "./policies.js";

export interface TimingConfig {
  /** Time weir may spend on one body or trailers message, in milliseconds; 0: no clock. */
  readonly messageBudgetMs: number;
  /** Past the budget: `closed` refuses the exchange, `open` passes the rest uninspected. */
  readonly onBudgetExceeded: BudgetPolicy;
  /** Time asked of Envoy once per message before acting on the budget; 0: never asks. */
  readonly overrideMessageTimeoutMs: number;
}

/** The budget's own defaults (inspect/budget.ts), in the file's vocabulary. */
export const DEFAULT_TIMING: TimingConfig = {
  messageBudgetMs: DEFAULT_MESSAGE_BUDGET.budgetMs,
  onBudgetExceeded: DEFAULT_MESSAGE_BUDGET.onExceeded,
  overrideMessageTimeoutMs: DEFAULT_MESSAGE_BUDGET.overrideMessageTimeoutMs,
};

export interface EventsConfig {
  /** Add a masked excerpt of the matched value to security events. */
  readonly excerpts: boolean;
  /** Proxies that append to x-forwarded-for, Envoy included when it appends (events.trustedHops). */
  readonly trustedHops: number;
}

export const DEFAULT_EVENTS: EventsConfig = { excerpts: false, trustedHops: 0 };

export interface FileValues {
  readonly grpcListen: Listen | undefined;
  readonly metricsListen: Listen | undefined;
  readonly maxReceiveMessageBytes: number | undefined;
  readonly drainTimeoutSeconds: number | undefined;
  readonly mode: Mode | undefined;
  /** Absolute directories. */
  readonly signaturesDirs: readonly string[] | undefined;
  readonly paranoia: number | undefined;
  /** Set when the file sets cacheDir; value undefined for "off". */
  readonly cacheDir: { readonly value: string | undefined } | undefined;
  readonly threshold: number | undefined;
  readonly responseThreshold: number | undefined;
  readonly blockStatus: number | undefined;
  readonly limitStatus: number | undefined;
  readonly logLevel: LogLevel | undefined;
  readonly tlsCert: string | undefined;
  readonly tlsKey: string | undefined;
  readonly tlsClientCa: string | undefined;
  readonly limits: InspectionLimits;
  /** 0 = no ceiling. */
  readonly maxInflightBodyBytes: number;
  readonly timing: TimingConfig;
  readonly events: EventsConfig;
  readonly redaction: RedactionOptions;
  readonly watch: boolean;
  readonly policy: PolicyDocument;
}

export function fileValues(file: ConfigFile): FileValues {
  const doc = file.document;
  const listen = (text: string | undefined) => (text === undefined ? undefined : parseListen(text));
  return {
    grpcListen: listen(doc.listeners?.grpc?.address),
    metricsListen: listen(doc.listeners?.metrics?.address),
    maxReceiveMessageBytes: doc.listeners?.grpc?.maxReceiveMessageBytes,
    drainTimeoutSeconds: doc.listeners?.grpc?.drainTimeoutSeconds,
    mode: doc.mode,
    signaturesDirs: file.paths.signaturesDirs,
    paranoia: doc.paranoia,
    cacheDir: file.paths.cacheDir,
    threshold: doc.thresholds?.inbound,
    responseThreshold: doc.thresholds?.outbound,
    blockStatus: doc.statuses?.block,
    limitStatus: doc.statuses?.limit,
    logLevel: doc.logLevel,
    tlsCert: file.paths.tls.cert,
    tlsKey: file.paths.tls.key,
    tlsClientCa: file.paths.tls.clientCa,
    limits: limitsOf(doc.limits),
    maxInflightBodyBytes: doc.limits?.maxInflightBodyBytes ?? 0,
    timing: {
      messageBudgetMs: doc.timing?.messageBudgetMs ?? DEFAULT_TIMING.messageBudgetMs,
      onBudgetExceeded: doc.timing?.onBudgetExceeded ?? DEFAULT_TIMING.onBudgetExceeded,
      overrideMessageTimeoutMs:
        doc.timing?.overrideMessageTimeoutMs ?? DEFAULT_TIMING.overrideMessageTimeoutMs,
    },
    events: {
      excerpts: doc.events?.excerpts ?? DEFAULT_EVENTS.excerpts,
      trustedHops: doc.events?.trustedHops ?? DEFAULT_EVENTS.trustedHops,
    },
    redaction: redactionOptions(doc.redaction),
    watch: doc.reload?.watch ?? true,
    policy: { families: doc.families, exclusions: doc.exclusions, routes: doc.routes },
  };
}
