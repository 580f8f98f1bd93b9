// Module init only: registers the native classes and library functions for this environment
// (the main thread or a worker; each gets its own AddonData).
#include <napi.h>

#include "addon-data.h"
#include "database.h"
#include "library.h"
#include "stream.h"

static Napi::Object InitHyperscan(Napi::Env env, Napi::Object exports) {
  auto* data = new hsjs::AddonData();
  env.SetInstanceData(data);  // deleted by Node when the environment shuts down

  Napi::Function database = hsjs::Database::Define(env);
  Napi::Function stream = hsjs::Stream::Define(env);
  data->database = Napi::Persistent(database);
  data->stream = Napi::Persistent(stream);

  exports.Set("Database", database);
  exports.Set("Stream", stream);
  hsjs::RegisterLibrary(env, exports);
  return exports;
}

NODE_API_MODULE(hyperscan, InitHyperscan)
