/**
 * The configuration file as TypeScript sees it once the JSON Schema (schema/weir-config.schema.json)
 * has accepted it: every key optional, names exactly as written in YAML. The schema is the
 * validator; these types only let the resolver read what the schema has already checked, so the
 * two must describe the same shape (test/config/schema-consistency.test.ts keeps them in step).
 */
import type { BodyMode } from "../../exchange/body-mode.js";
import type { Family } from "../../inspect/types.js";
import type { LogLevel } from "../../log/logger.js";
import type { Mode } from "../../policy/decision.js";

export interface ConfigDocument {
  readonly listeners?: {
    readonly grpc?: {
      readonly address?: string;
      readonly maxReceiveMessageBytes?: number;
      readonly drainTimeoutSeconds?: number;
    };
    readonly metrics?: { readonly address?: string };
  };
  readonly mode?: Mode;
  /** One directory or a list; `builtin` is the set shipped with weir. */
  readonly signatures?: string | readonly string[];
  readonly paranoia?: number;
  readonly thresholds?: { readonly inbound?: number; readonly outbound?: number };
  readonly statuses?: { readonly block?: number; readonly limit?: number };
  /** A directory, or "off". */
  readonly cacheDir?: string;
  readonly logLevel?: LogLevel;
  readonly limits?: LimitsDocument;
  readonly timing?: {
    readonly messageBudgetMs?: number;
    readonly onBudgetExceeded?: "open" | "closed";
    readonly overrideMessageTimeoutMs?: number;
  };
  readonly events?: { readonly excerpts?: boolean; readonly trustedHops?: number };
  readonly redaction?: {
    readonly defaultStyle?: "mask" | "token";
    readonly mask?: string;
    readonly token?: string;
  };
  readonly tls?: {
    readonly cert?: string;
    readonly key?: string;
    readonly clientCa?: string;
    readonly requireClientCert?: boolean;
  };
  readonly reload?: { readonly watch?: boolean };
  readonly families?: readonly Family[];
  readonly exclusions?: readonly ExclusionDocument[];
  readonly routes?: readonly RouteDocument[];
}

export interface LimitsDocument {
  readonly maxInflightBodyBytes?: number;
  readonly inspectionBytes?: number;
  readonly overLimit?: "pass" | "block";
  readonly maxBodyBytes?: number;
  readonly formFields?: number;
  readonly jsonDepth?: number;
  readonly multipart?: { readonly parts?: number; readonly fileBytes?: number };
  readonly xml?: { readonly depth?: number; readonly fields?: number };
  readonly charsets?: readonly string[];
  readonly inflate?: {
    readonly maxDecompressedBytes?: number;
    readonly maxRatio?: number;
    readonly ratioGraceBytes?: number;
    readonly maxLayers?: number;
  };
}

export interface ExclusionDocument {
  readonly signatures?: readonly number[];
  readonly families?: readonly Family[];
  /** `target` or `target:name`, e.g. `args:comment`. */
  readonly fields?: readonly string[];
  readonly reason?: string;
}

export interface RouteDocument {
  readonly name: string;
  readonly match: {
    readonly routeName?: string;
    readonly host?: string;
    readonly pathPrefix?: string;
  };
  readonly mode?: Mode;
  readonly threshold?: number;
  readonly responseThreshold?: number;
  readonly paranoia?: number;
  readonly families?: readonly Family[];
  readonly bodyModes?: { readonly request?: BodyMode; readonly response?: BodyMode };
  readonly exclusions?: readonly ExclusionDocument[];
}
