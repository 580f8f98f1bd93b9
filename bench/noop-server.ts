/**
 * The gRPC baseline: an ext_proc server on the same stack as weir's (startGrpcServer's
 * options, HTTP/2 windows and health; the same protobuf-es service definition and codecs) whose
 * handler answers every message with a plain "continue" and inspects nothing
 * (load/noop-processor.ts). weir's figures divided by this one's are what inspection, the
 * Exchange and metrics cost.
 *
 * Usage: node noop-server.js [HOST:PORT]   (default 127.0.0.1:0)
 * Prints {"event":"noop serving","port":N} on stdout once listening; stops on SIGTERM.
 */
import { ExternalProcessor } from "../src/gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import { startGrpcServer } from "../src/server/grpc-server.js";
import { serviceDefinition } from "../src/server/service-definition.js";
import { noopProcess } from "./load/noop-processor.js";

const listen = process.argv[2] ?? "127.0.0.1:0";
const server = await startGrpcServer({ listen, log: () => {} }, (s) => {
  s.addService(serviceDefinition(ExternalProcessor), { process: noopProcess });
});
process.stdout.write(`${JSON.stringify({ event: "noop serving", port: server.port })}\n`);
process.once("SIGTERM", () => {
  server.forceClose();
  process.exit(0);
});
