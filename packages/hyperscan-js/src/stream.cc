// Native stream: scan chunks, close / reset with end-of-data matches, free on collection.
// See stream.h for why this uses napi_wrap / napi_remove_wrap directly.
#include "stream.h"

#include <hs.h>

#include <atomic>
#include <climits>

#include "addon-data.h"
#include "errors.h"
#include "match-sink.h"

namespace hsjs {
namespace {

std::atomic<int64_t> liveStreams{0};

struct StreamState {
  std::shared_ptr<DatabaseHandle> database;
  hs_stream_t* stream = nullptr;
  int64_t accountedBytes = 0;

  StreamState() = default;
  StreamState(const StreamState&) = delete;
  StreamState& operator=(const StreamState&) = delete;
  ~StreamState() {
    if (stream != nullptr) {
      hs_close_stream(stream, nullptr, nullptr, nullptr);  // reports nothing, frees the state
      liveStreams.fetch_sub(1, std::memory_order_relaxed);
    }
  }
};

void Destroy(napi_env env, StreamState* state) {
  int64_t ignored = 0;
  napi_adjust_external_memory(env, -state->accountedBytes, &ignored);
  delete state;
}

// Runs when a stream object that was never closed is collected.
void Finalize(napi_env env, void* data, void* /*hint*/) {
  Destroy(env, static_cast<StreamState*>(data));
}

// The stream behind `this`, or nullptr once closed.
StreamState* StateOf(const Napi::CallbackInfo& info) {
  void* data = nullptr;
  if (napi_unwrap(info.Env(), info.This(), &data) != napi_ok) return nullptr;
  return static_cast<StreamState*>(data);
}

StreamState* OpenStateOf(const Napi::CallbackInfo& info) {
  StreamState* state = StateOf(info);
  if (state == nullptr) throw ClosedError(info.Env(), "stream");
  return state;
}

// Detaches the state from its object (no finalizer will run) and frees it.
void Release(const Napi::CallbackInfo& info, StreamState* state) {
  napi_remove_wrap(info.Env(), info.This(), nullptr);
  Destroy(info.Env(), state);
}

// scan(chunk: Uint8Array, memory: ArrayBuffer): number appended
Napi::Value Scan(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  StreamState* state = OpenStateOf(info);
  ByteView chunk = ReadBytes(env, info[0], "chunk");
  if (chunk.length > UINT_MAX) throw InvalidArgument(env, "chunk is larger than 4 GiB");
  MatchSink sink = MatchSink::Bind(env, info[1]);
  hs_error_t rc = hs_scan_stream(state->stream, chunk.data, static_cast<unsigned int>(chunk.length),
                                 0, state->database->scratch, &MatchSink::OnMatch, &sink);
  const uint32_t appended = sink.Finish();
  if (rc != HS_SUCCESS) throw HsError(env, rc, "hs_scan_stream");
  return Napi::Number::New(env, appended);
}

// close(memory?: ArrayBuffer): number appended (end-of-data matches); idempotent. The stream is
// freed even when reporting fails.
Napi::Value Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  StreamState* state = StateOf(info);
  if (state == nullptr) return Napi::Number::New(env, 0);
  if (info[0].IsUndefined()) {
    Release(info, state);
    return Napi::Number::New(env, 0);
  }
  MatchSink sink = [&] {
    try {
      return MatchSink::Bind(env, info[0]);
    } catch (...) {
      Release(info, state);
      throw;
    }
  }();
  hs_error_t rc =
      hs_close_stream(state->stream, state->database->scratch, &MatchSink::OnMatch, &sink);
  const uint32_t appended = sink.Finish();
  if (rc == HS_SUCCESS) {
    state->stream = nullptr;  // hs_close_stream freed it
    liveStreams.fetch_sub(1, std::memory_order_relaxed);
  }
  Release(info, state);  // on failure Hyperscan kept the stream: this frees it without reporting
  if (rc != HS_SUCCESS) throw HsError(env, rc, "hs_close_stream");
  return Napi::Number::New(env, appended);
}

// reset(memory?: ArrayBuffer): number appended (end-of-data matches); offsets restart at 0.
Napi::Value Reset(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  StreamState* state = OpenStateOf(info);
  if (info[0].IsUndefined()) {
    hs_error_t rc = hs_reset_stream(state->stream, 0, nullptr, nullptr, nullptr);
    if (rc != HS_SUCCESS) throw HsError(env, rc, "hs_reset_stream");
    return Napi::Number::New(env, 0);
  }
  MatchSink sink = MatchSink::Bind(env, info[0]);
  hs_error_t rc = hs_reset_stream(state->stream, 0, state->database->scratch,
                                  &MatchSink::OnMatch, &sink);
  const uint32_t appended = sink.Finish();
  if (rc != HS_SUCCESS) throw HsError(env, rc, "hs_reset_stream");
  return Napi::Number::New(env, appended);
}

napi_value Construct(napi_env env, napi_callback_info info) {
  napi_value self = nullptr;
  napi_get_cb_info(env, info, nullptr, nullptr, &self, nullptr);
  return self;
}

}  // namespace

Napi::Function Stream::Define(Napi::Env env) {
  napi_value constructor = nullptr;
  NAPI_THROW_IF_FAILED(env,
                       napi_define_class(env, "NativeStream", NAPI_AUTO_LENGTH, Construct,
                                         nullptr, 0, nullptr, &constructor),
                       Napi::Function());
  Napi::Function result(env, constructor);
  Napi::Object prototype = result.Get("prototype").As<Napi::Object>();
  prototype.Set("scan", Napi::Function::New<Scan>(env, "scan"));
  prototype.Set("close", Napi::Function::New<Close>(env, "close"));
  prototype.Set("reset", Napi::Function::New<Reset>(env, "reset"));
  return result;
}

int64_t Stream::LiveCount() { return liveStreams.load(std::memory_order_relaxed); }

Napi::Object Stream::Open(Napi::Env env, std::shared_ptr<DatabaseHandle> database) {
  auto* state = new StreamState();
  state->accountedBytes = static_cast<int64_t>(database->streamSize);
  state->database = std::move(database);
  hs_error_t rc = hs_open_stream(state->database->database, 0, &state->stream);
  if (rc != HS_SUCCESS) {
    delete state;
    throw HsError(env, rc, "hs_open_stream");
  }
  liveStreams.fetch_add(1, std::memory_order_relaxed);

  Napi::Object object;
  try {
    object = env.GetInstanceData<AddonData>()->stream.New({});
  } catch (...) {
    delete state;
    throw;
  }
  napi_status status = napi_wrap(env, object, state, Finalize, nullptr, nullptr);
  if (status != napi_ok) {
    delete state;
    NAPI_THROW_IF_FAILED(env, status, Napi::Object());
  }
  int64_t ignored = 0;
  napi_adjust_external_memory(env, state->accountedBytes, &ignored);
  return object;
}

}  // namespace hsjs
