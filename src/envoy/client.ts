/**
 * The ext_proc client Envoy runs per filter instance: one grpc-js channel to the processor and
 * one Exchange (one gRPC stream, opened lazily) per HTTP request.
 */
import type { Client } from "@grpc/grpc-js";
import { type ExtProcConfig, type ExtProcConfigInput, resolveConfig } from "./config.js";
import { Exchange } from "./exchange.js";
import { createProcessorClient } from "./ext-proc-stream.js";
import type { ExchangeCallbacks, ExchangeObserver } from "./types.js";

export interface ExchangeOptions {
  observer?: ExchangeObserver;
  /** Settings for this exchange only (Envoy's per-route overrides); default: the client's. */
  config?: ExtProcConfig;
}

export class ExtProcClient {
  readonly config: ExtProcConfig;
  private readonly channel: Client;

  /** `address` is the processor's HOST:PORT. */
  constructor(
    readonly address: string,
    config: ExtProcConfigInput = {},
  ) {
    this.config = resolveConfig(config);
    this.channel = createProcessorClient(address);
  }

  exchange(callbacks: ExchangeCallbacks, options: ExchangeOptions = {}): Exchange {
    return new Exchange(this.channel, options.config ?? this.config, callbacks, options.observer);
  }

  /** Resolves once the channel is connected (or rejects after `timeoutMs`). */
  ready(timeoutMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      this.channel.waitForReady(Date.now() + timeoutMs, (error) => {
        if (error) reject(new Error(`ext_proc server ${this.address} not ready: ${error.message}`));
        else resolve();
      });
    });
  }

  /** Closes the channel; exchanges in flight see their streams fail. */
  close(): void {
    this.channel.close();
  }
}
