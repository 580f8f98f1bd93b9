// Why this exists: matches must reach JS without a JS call per match. A MatchBuffer (see
// match-buffer.ts) is one ArrayBuffer with this layout, which both sides must agree on:
//
//   bytes [0, 16)                 Float64 header: [0] count, [1] dropped
//   bytes [16, 16 + 8c)           Float64 from[c]   (start offsets)
//   bytes [16 + 8c, 16 + 16c)     Float64 to[c]     (end offsets)
//   bytes [16 + 16c, 16 + 20c)    Uint32  ids[c]
//
// where c is the capacity, derived from the byte length. A MatchSink binds to that memory for
// one scan call (no copy, no allocation), the Hyperscan callback appends into it, and Finish()
// writes count and dropped back into the header.
#pragma once

#include <hs.h>
#include <napi.h>

#include <cstddef>
#include <cstdint>

namespace hsjs {

class MatchSink {
 public:
  static constexpr size_t kHeaderBytes = 16;
  static constexpr size_t kBytesPerMatch = 20;

  // Binds to a MatchBuffer's ArrayBuffer; throws HS_INVALID if the memory is not laid out as
  // above or the header's count is out of range.
  static MatchSink Bind(Napi::Env env, napi_value memory);

  // The match_event_handler; `context` is a MatchSink*. Never terminates the scan.
  static int OnMatch(unsigned int id, unsigned long long from, unsigned long long to,
                     unsigned int flags, void* context);

  // Writes count and dropped to the header; returns the number of matches appended.
  uint32_t Finish();

 private:
  MatchSink() = default;

  double* header_ = nullptr;
  double* from_ = nullptr;
  double* to_ = nullptr;
  uint32_t* ids_ = nullptr;
  uint32_t capacity_ = 0;
  uint32_t start_ = 0;
  uint32_t count_ = 0;
  double dropped_ = 0;
};

// A Uint8Array's bytes, scanned in place.
struct ByteView {
  const char* data;
  size_t length;
};

// Reads a Uint8Array (or Buffer / Uint8ClampedArray); throws a TypeError otherwise. An empty or
// detached array yields a valid pointer with length 0 (Hyperscan rejects a NULL data pointer).
ByteView ReadBytes(Napi::Env env, napi_value value, const char* what);

}  // namespace hsjs
