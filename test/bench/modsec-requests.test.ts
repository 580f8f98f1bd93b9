// The ModSecurity comparison feeds both engines the same requests: a modsec-peer JSON line
// becomes the header list Envoy sends weir (pseudo-headers, lowercased names, Host as
// :authority) and the same body bytes.
import { describe, expect, it } from "vitest";
import { forWeir, jsonPost, type PeerRequest } from "../../bench/modsec/requests.js";

const decoder = new TextDecoder();

describe("ModSecurity comparison requests", () => {
  it("turn a peer request into Envoy's header list and the same body", () => {
    const request: PeerRequest = {
      id: "r1",
      method: "POST",
      uri: "/login?next=/",
      headers: [
        ["Host", "example.com"],
        ["Content-Type", "application/x-www-form-urlencoded"],
        ["X-Custom", "A b"],
      ],
      body_b64: Buffer.from("user=a&pass=b'1").toString("base64"),
    };
    const weir = forWeir(request);
    expect(weir.headers.map((h) => [h.key, decoder.decode(h.value)])).toEqual([
      [":method", "POST"],
      [":scheme", "http"],
      [":authority", "example.com"],
      [":path", "/login?next=/"],
      ["content-type", "application/x-www-form-urlencoded"],
      ["x-custom", "A b"],
    ]);
    expect(decoder.decode(weir.body)).toBe("user=a&pass=b'1");
  });

  it("default to GET / without a body", () => {
    const weir = forWeir({ id: 2, headers: [["Host", "h"]] } as unknown as PeerRequest);
    expect(weir.headers.slice(0, 4).map((h) => decoder.decode(h.value))).toEqual([
      "GET",
      "http",
      "h",
      "/",
    ]);
    expect(weir.body.length).toBe(0);
  });

  it("make JSON posts of the exact size asked, declared in Content-Length", () => {
    for (const bytes of [1000, 64_000]) {
      const post = jsonPost("p", bytes);
      const body = forWeir(post).body;
      expect(body.length).toBe(bytes);
      expect(JSON.parse(decoder.decode(body))).toBeTypeOf("object");
      expect(post.headers).toContainEqual(["Content-Length", String(bytes)]);
    }
  });
});
