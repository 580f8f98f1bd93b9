// Per-environment state (one per main thread or worker): the class constructors native code
// needs in order to create Database and Stream objects itself.
#pragma once

#include <napi.h>

namespace hsjs {

struct AddonData {
  Napi::FunctionReference database;
  Napi::FunctionReference stream;
};

}  // namespace hsjs
