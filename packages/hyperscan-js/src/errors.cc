// hs_error_t -> JS Error with a stable `code`; see errors.h.
#include "errors.h"

namespace hsjs {
namespace {

struct ErrorEntry {
  hs_error_t code;
  const char* name;
  const char* meaning;
};

constexpr ErrorEntry kErrors[] = {
    {HS_INVALID, "HS_INVALID", "a parameter was invalid"},
    {HS_NOMEM, "HS_NOMEM", "a memory allocation failed"},
    {HS_SCAN_TERMINATED, "HS_SCAN_TERMINATED", "the match callback terminated the scan"},
    {HS_COMPILER_ERROR, "HS_COMPILER_ERROR", "the pattern compiler failed"},
    {HS_DB_VERSION_ERROR, "HS_DB_VERSION_ERROR",
     "the database was built for a different version of Hyperscan"},
    {HS_DB_PLATFORM_ERROR, "HS_DB_PLATFORM_ERROR",
     "the database was built for a different platform (CPU features)"},
    {HS_DB_MODE_ERROR, "HS_DB_MODE_ERROR",
     "the database was built for a different mode (block vs stream)"},
    {HS_BAD_ALIGN, "HS_BAD_ALIGN", "a parameter was not correctly aligned"},
    {HS_BAD_ALLOC, "HS_BAD_ALLOC", "the memory allocator returned misaligned memory"},
    {HS_SCRATCH_IN_USE, "HS_SCRATCH_IN_USE",
     "the scratch space is already in use (re-entrant or cross-thread use)"},
    {HS_ARCH_ERROR, "HS_ARCH_ERROR", "this CPU lacks the instructions Hyperscan needs"},
    {HS_INSUFFICIENT_SPACE, "HS_INSUFFICIENT_SPACE", "a provided buffer was too small"},
    {HS_UNKNOWN_ERROR, "HS_UNKNOWN_ERROR", "an unexpected internal error occurred"},
};

const ErrorEntry& Lookup(hs_error_t code) {
  for (const ErrorEntry& entry : kErrors) {
    if (entry.code == code) return entry;
  }
  return kErrors[sizeof(kErrors) / sizeof(kErrors[0]) - 1];
}

Napi::Error WithCode(Napi::Env env, const std::string& message, const char* code) {
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  return error;
}

}  // namespace

const char* ErrorCodeName(hs_error_t code) { return Lookup(code).name; }

Napi::Error HsError(Napi::Env env, hs_error_t code, const char* call) {
  const ErrorEntry& entry = Lookup(code);
  std::string message = std::string(call) + " failed: " + entry.meaning + " (" + entry.name;
  if (entry.code != code) message += " " + std::to_string(code);
  message += ")";
  return WithCode(env, message, entry.name);
}

Napi::Error CompileError(Napi::Env env, const hs_compile_error_t* error) {
  std::string message = error != nullptr && error->message != nullptr
                            ? error->message
                            : "compilation failed without a message";
  Napi::Error result = WithCode(env, message, "HS_COMPILER_ERROR");
  result.Set("expressionIndex", Napi::Number::New(env, error != nullptr ? error->expression : -1));
  return result;
}

Napi::Error ClosedError(Napi::Env env, const char* what) {
  return WithCode(env, std::string("the ") + what + " is closed", "CLOSED");
}

Napi::Error InvalidArgument(Napi::Env env, const std::string& message) {
  return WithCode(env, message, "HS_INVALID");
}

}  // namespace hsjs
