/**
 * The server advertises raised HTTP/2 receive windows (grpc-js has no option for it; weir sets
 * them through grpc-js internals, and this test fails if an upgrade breaks that).
 */
import * as http2 from "node:http2";
import { afterEach, expect, it } from "vitest";
import { Harness } from "./grpc-harness.js";

let harness: Harness | undefined;
afterEach(() => {
  harness?.close();
  harness = undefined;
});

/** Connect with a raw HTTP/2 client and read the windows the server granted it. */
async function grantedWindows(port: number): Promise<{ stream: number; connection: number }> {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  try {
    await new Promise<void>((resolve, reject) => {
      session.once("remoteSettings", () => resolve());
      session.once("error", reject);
    });
    // A ping round trip: the server's WINDOW_UPDATE, sent on connect, has arrived before it.
    await new Promise<void>((resolve, reject) =>
      session.ping((error) => (error === null ? resolve() : reject(error))),
    );
    return {
      stream: session.remoteSettings.initialWindowSize ?? 0,
      connection: session.state.remoteWindowSize ?? 0,
    };
  } finally {
    session.close();
  }
}

it("grants 1 MiB per stream and 16 MiB per connection by default", async () => {
  harness = await Harness.start();
  expect(await grantedWindows(harness.server.port)).toEqual({
    stream: 1024 * 1024,
    connection: 16 * 1024 * 1024,
  });
  expect(harness.logs.filter((l) => l.event === "http2_window_not_applied")).toEqual([]);
});

it("grants configured windows", async () => {
  harness = await Harness.start({
    server: { streamWindowBytes: 256 * 1024, connectionWindowBytes: 4 * 1024 * 1024 },
  });
  expect(await grantedWindows(harness.server.port)).toEqual({
    stream: 256 * 1024,
    connection: 4 * 1024 * 1024,
  });
});
