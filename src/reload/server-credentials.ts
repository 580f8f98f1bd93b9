/**
 * TLS credentials for the gRPC listener whose certificate can be replaced while it listens:
 * grpc-js asks its credentials for the secure-context options and watches them for updates,
 * applying a new certificate to connections accepted from then on (connections already open
 * keep theirs). A reload that finds new certificate files (cert-manager renewing a Secret)
 * rotates them without a restart. Whether a client certificate is required is fixed when the
 * listener is created; changing that needs a restart (restart-only.ts).
 *
 * The material given here has been read and checked (config/tls.ts); it is checked once more by
 * building a secure context, because a context grpc-js cannot use would make it drop every new
 * connection.
 */
import { createSecureContext, type SecureContextOptions } from "node:tls";
import { ServerCredentials } from "@grpc/grpc-js";
import type { TlsMaterial } from "../config/tls.js";

export class RotatingServerCredentials extends ServerCredentials {
  constructor(material: TlsMaterial, requireClientCert: boolean) {
    const context = contextOptions(material);
    createSecureContext(context);
    super({ requestCert: requireClientCert, rejectUnauthorized: requireClientCert }, context);
  }

  /** Serves `material` to connections accepted from now on; throws (and keeps the old) if unusable. */
  rotate(material: TlsMaterial): void {
    const context = contextOptions(material);
    createSecureContext(context);
    this.updateSecureContextOptions(context);
  }

  override _equals(other: ServerCredentials): boolean {
    return other === this;
  }
}

function contextOptions(material: TlsMaterial): SecureContextOptions {
  return {
    cert: material.cert,
    key: material.key,
    ...(material.clientCa === undefined ? {} : { ca: material.clientCa }),
  };
}
