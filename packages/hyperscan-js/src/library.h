// Library-level functions that need no database: expression analysis, version, platform check.
#pragma once

#include <napi.h>

namespace hsjs {

// Adds expressionInfo, version, validPlatform and liveStreamCount to `exports`.
void RegisterLibrary(Napi::Env env, Napi::Object exports);

}  // namespace hsjs
