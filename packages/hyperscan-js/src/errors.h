// Why this exists: every failure of the native layer becomes a JS Error carrying a stable
// `code` string (the hs_error_t name, or CLOSED), so the TypeScript facade can turn it into a
// HyperscanError without parsing messages.
#pragma once

#include <hs.h>
#include <napi.h>

#include <string>

namespace hsjs {

// The stable name of an hs_error_t ("HS_NOMEM", ...); "HS_UNKNOWN_ERROR" for unknown values.
const char* ErrorCodeName(hs_error_t code);

// "<call> failed: <what the code means> (<CODE>)", with `code` set on the Error.
Napi::Error HsError(Napi::Env env, hs_error_t code, const char* call);

// A compile failure: message is Hyperscan's, `code` HS_COMPILER_ERROR, `expressionIndex` is
// hs_compile_error_t.expression (-1 when the error is not about one expression).
Napi::Error CompileError(Napi::Env env, const hs_compile_error_t* error);

// Use of a database or stream after close(): `code` CLOSED.
Napi::Error ClosedError(Napi::Env env, const char* what);

// A malformed argument from the facade: `code` HS_INVALID.
Napi::Error InvalidArgument(Napi::Env env, const std::string& message);

// Owns an hs_compile_error_t* and frees it.
class CompileErrorGuard {
 public:
  CompileErrorGuard() = default;
  CompileErrorGuard(const CompileErrorGuard&) = delete;
  CompileErrorGuard& operator=(const CompileErrorGuard&) = delete;
  ~CompileErrorGuard() { hs_free_compile_error(error_); }
  hs_compile_error_t** Out() { return &error_; }
  const hs_compile_error_t* Get() const { return error_; }

 private:
  hs_compile_error_t* error_ = nullptr;
};

}  // namespace hsjs
