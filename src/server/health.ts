/**
 * grpc.health.v1.Health over the generated types, for Envoy's gRPC health checks of the ext_proc
 * cluster and for Kubernetes gRPC probes. It answers for the whole server ("") and for
 * "envoy.service.ext_proc.v3.ExternalProcessor"; both share one switchable status: SERVING when
 * ready, NOT_SERVING while not ready or draining. Watch streams get every change; `endWatches`
 * ends them (after NOT_SERVING went out) so a graceful shutdown is not held open by them.
 */
import { create } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import {
  Health,
  type HealthCheckRequest,
  type HealthCheckResponse,
  HealthCheckResponseSchema,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from "../gen/grpc/health/v1/health_pb.js";
import { MalformedMessage, serviceDefinition } from "./service-definition.js";

export const EXT_PROC_SERVICE_NAME = "envoy.service.ext_proc.v3.ExternalProcessor";
const KNOWN_SERVICES: ReadonlySet<string> = new Set(["", EXT_PROC_SERVICE_NAME]);

type Incoming = HealthCheckRequest | MalformedMessage;
type Watch = grpc.ServerWritableStream<Incoming, HealthCheckResponse>;

export const healthServiceDefinition = serviceDefinition(Health);

export class HealthService {
  #serving: boolean;
  /** Open Watch streams; the value says whether the watched service is known (gets updates). */
  readonly #watches = new Map<Watch, boolean>();

  constructor(serving = false) {
    this.#serving = serving;
  }

  get serving(): boolean {
    return this.#serving;
  }

  setServing(serving: boolean): void {
    if (serving === this.#serving) return;
    this.#serving = serving;
    const response = this.#response();
    for (const [watch, known] of this.#watches) if (known) watch.write(response);
  }

  /** End every Watch stream with OK (clients see the last status, then the end). */
  endWatches(): void {
    for (const watch of this.#watches.keys()) watch.end();
    this.#watches.clear();
  }

  #response(): HealthCheckResponse {
    return create(HealthCheckResponseSchema, {
      status: this.#serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING,
    });
  }

  readonly implementation: grpc.UntypedServiceImplementation = {
    check: (
      call: grpc.ServerUnaryCall<Incoming, HealthCheckResponse>,
      callback: grpc.sendUnaryData<HealthCheckResponse>,
    ) => {
      const request = call.request;
      if (request instanceof MalformedMessage) {
        callback({ code: grpc.status.INVALID_ARGUMENT, details: request.error.message });
      } else if (!KNOWN_SERVICES.has(request.service)) {
        callback({
          code: grpc.status.NOT_FOUND,
          details: `unknown service ${JSON.stringify(request.service)}`,
        });
      } else {
        callback(null, this.#response());
      }
    },
    watch: (call: Watch) => {
      const request = call.request;
      if (request instanceof MalformedMessage) {
        call.emit("error", { code: grpc.status.INVALID_ARGUMENT, details: request.error.message });
        return;
      }
      const known = KNOWN_SERVICES.has(request.service);
      this.#watches.set(call, known);
      call.on("cancelled", () => this.#watches.delete(call));
      // For an unknown service the protocol keeps the stream open (it may appear later).
      call.write(
        known
          ? this.#response()
          : create(HealthCheckResponseSchema, { status: ServingStatus.SERVICE_UNKNOWN }),
      );
    },
  };
}
