// Hyperscan match callback writing into a MatchBuffer's memory; see match-sink.h.
#include "match-sink.h"

#include <cmath>
#include <string>

#include "errors.h"

namespace hsjs {

MatchSink MatchSink::Bind(Napi::Env env, napi_value memory) {
  void* data = nullptr;
  size_t length = 0;
  if (napi_get_arraybuffer_info(env, memory, &data, &length) != napi_ok) {
    throw InvalidArgument(env, "match buffer memory is not an ArrayBuffer");
  }
  if (data == nullptr || length < kHeaderBytes || (length - kHeaderBytes) % kBytesPerMatch != 0) {
    throw InvalidArgument(env, "match buffer memory is detached or has an unexpected size (" +
                                   std::to_string(length) + " bytes)");
  }
  const size_t capacity = (length - kHeaderBytes) / kBytesPerMatch;
  if (capacity > UINT32_MAX) throw InvalidArgument(env, "match buffer capacity exceeds 2^32-1");

  MatchSink sink;
  auto* bytes = static_cast<uint8_t*>(data);
  sink.header_ = reinterpret_cast<double*>(bytes);
  sink.from_ = reinterpret_cast<double*>(bytes + kHeaderBytes);
  sink.to_ = sink.from_ + capacity;
  sink.ids_ = reinterpret_cast<uint32_t*>(bytes + kHeaderBytes + 16 * capacity);
  sink.capacity_ = static_cast<uint32_t>(capacity);

  const double count = sink.header_[0];
  const double dropped = sink.header_[1];
  if (!(count >= 0 && count <= static_cast<double>(capacity)) || std::floor(count) != count) {
    throw InvalidArgument(env, "match buffer count " + std::to_string(count) +
                                   " is not an integer in [0, capacity]");
  }
  sink.start_ = static_cast<uint32_t>(count);
  sink.count_ = sink.start_;
  sink.dropped_ = std::isfinite(dropped) && dropped >= 0 ? dropped : 0;
  return sink;
}

int MatchSink::OnMatch(unsigned int id, unsigned long long from, unsigned long long to,
                       unsigned int /*flags*/, void* context) {
  auto* sink = static_cast<MatchSink*>(context);
  const uint32_t slot = sink->count_;
  if (slot < sink->capacity_) {
    sink->ids_[slot] = id;
    sink->from_[slot] = static_cast<double>(from);
    sink->to_[slot] = static_cast<double>(to);
    sink->count_ = slot + 1;
  } else {
    sink->dropped_ += 1;
  }
  return 0;
}

uint32_t MatchSink::Finish() {
  header_[0] = count_;
  header_[1] = dropped_;
  return count_ - start_;
}

ByteView ReadBytes(Napi::Env env, napi_value value, const char* what) {
  static const char kEmpty[1] = {0};
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (napi_get_typedarray_info(env, value, &type, &length, &data, nullptr, nullptr) != napi_ok ||
      (type != napi_uint8_array && type != napi_uint8_clamped_array)) {
    throw Napi::TypeError::New(env, std::string(what) + " must be a Uint8Array");
  }
  if (data == nullptr || length == 0) return ByteView{kEmpty, 0};
  return ByteView{static_cast<const char*>(data), length};
}

}  // namespace hsjs
