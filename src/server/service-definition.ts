/**
 * Adapts a protobuf-es GenService to a grpc-js ServiceDefinition (paths, stream flags and codecs
 * from the generated descriptors; fromBinary / toBinary as the codec).
 *
 * A request that does not decode must end only its own stream, with a precise status. grpc-js
 * answers a throwing deserializer itself with INTERNAL "Error deserializing request" and never
 * tells the handler, so the failure could be neither reported precisely nor counted. Here the
 * deserializer never throws: it returns a MalformedMessage in the message's place, and the
 * handler ends the stream with INVALID_ARGUMENT "malformed ProcessingRequest: ..." and counts
 * `malformed_message`.
 */
import {
  type DescMessage,
  type DescMethod,
  fromBinary,
  type MessageShape,
  toBinary,
} from "@bufbuild/protobuf";
import type { GenService, GenServiceMethods } from "@bufbuild/protobuf/codegenv2";
import type { MethodDefinition } from "@grpc/grpc-js";
import { ExchangeError } from "../exchange/protocol-error.js";

/** Stands in for a request message whose bytes did not decode. */
export class MalformedMessage {
  constructor(readonly error: ExchangeError) {}
}

type TypedMethod<I extends DescMessage, O extends DescMessage> = DescMethod & {
  readonly input: I;
  readonly output: O;
};

/** Decode, or describe why the bytes are not a message of this type. */
export function decodeOrMalformed<I extends DescMessage>(
  schema: I,
  bytes: Uint8Array,
): MessageShape<I> | MalformedMessage {
  try {
    return fromBinary(schema, bytes);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return new MalformedMessage(
      new ExchangeError(
        "malformed_message",
        `malformed ${schema.name}: ${why} (${bytes.byteLength} bytes)`,
        { cause: error },
      ),
    );
  }
}

export function methodDefinition<I extends DescMessage, O extends DescMessage>(
  method: TypedMethod<I, O>,
): MethodDefinition<MessageShape<I> | MalformedMessage, MessageShape<O>> {
  return {
    path: `/${method.parent.typeName}/${method.name}`,
    originalName: method.localName,
    requestStream:
      method.methodKind === "client_streaming" || method.methodKind === "bidi_streaming",
    responseStream:
      method.methodKind === "server_streaming" || method.methodKind === "bidi_streaming",
    requestSerialize: (value) => {
      if (value instanceof MalformedMessage) throw value.error;
      return Buffer.from(toBinary(method.input, value));
    },
    requestDeserialize: (bytes) => decodeOrMalformed(method.input, bytes),
    responseSerialize: (value) => Buffer.from(toBinary(method.output, value)),
    responseDeserialize: (bytes) => fromBinary(method.output, bytes),
  };
}

export type ServiceDefinitionOf<T extends GenServiceMethods> = {
  readonly [K in keyof T]: MethodDefinition<
    MessageShape<T[K]["input"]> | MalformedMessage,
    MessageShape<T[K]["output"]>
  >;
};

/** One MethodDefinition per rpc, keyed by the rpc's local (camelCase) name. */
export function serviceDefinition<T extends GenServiceMethods>(
  service: GenService<T>,
): ServiceDefinitionOf<T> {
  const out: Record<string, unknown> = {};
  for (const method of service.methods) out[method.localName] = methodDefinition(method);
  return out as ServiceDefinitionOf<T>;
}
