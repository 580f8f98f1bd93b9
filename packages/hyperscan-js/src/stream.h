// Why this exists: one hs_stream_t per JS stream object. The stream shares its database's
// handle (database + scratch), so the database outlives every stream opened on it.
//
// Not an ObjectWrap on purpose: close() removes the wrap and frees the stream at once, so a
// closed stream leaves no finalizer behind (Node runs finalizers later, from the event loop; a
// million closed ObjectWraps in one synchronous loop would pile up until then). A stream that is
// garbage-collected without close() is freed by its wrap finalizer (hs_close_stream with no
// scratch, which reports nothing and does not touch the database).
#pragma once

#include <napi.h>

#include <cstdint>
#include <memory>

#include "database.h"

namespace hsjs {

class Stream {
 public:
  // The NativeStream constructor: prototype methods scan / close / reset. Constructed from JS it
  // has no hs_stream_t and behaves as closed.
  static Napi::Function Define(Napi::Env env);

  // hs_open_stream on `database`, wrapped in a new NativeStream object.
  static Napi::Object Open(Napi::Env env, std::shared_ptr<DatabaseHandle> database);

  // hs_stream_t objects currently allocated by this addon, process-wide (a diagnostic for tests).
  static int64_t LiveCount();
};

}  // namespace hsjs
