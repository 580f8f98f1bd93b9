// hs_expression_info, hs_version, hs_valid_platform, and a live-stream diagnostic.
#include "library.h"

#include <hs.h>

#include <cstdlib>
#include <string>

#include "errors.h"
#include "stream.h"

namespace hsjs {
namespace {

// expressionInfo(pattern: string, flags: number) -> { minWidth, maxWidth (raw, UINT_MAX when
// unbounded), unorderedMatches, matchesAtEod, matchesOnlyAtEod }
Napi::Value ExpressionInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) throw InvalidArgument(env, "pattern must be a string");
  if (!info[1].IsNumber()) throw InvalidArgument(env, "flags must be a number");
  const std::string pattern = info[0].As<Napi::String>().Utf8Value();
  const unsigned int flags = info[1].As<Napi::Number>().Uint32Value();

  hs_expr_info_t* result = nullptr;
  CompileErrorGuard error;
  hs_error_t rc = hs_expression_info(pattern.c_str(), flags, &result, error.Out());
  if (rc == HS_COMPILER_ERROR) throw CompileError(env, error.Get());
  if (rc != HS_SUCCESS) throw HsError(env, rc, "hs_expression_info");

  Napi::Object object = Napi::Object::New(env);
  object.Set("minWidth", Napi::Number::New(env, result->min_width));
  object.Set("maxWidth", Napi::Number::New(env, result->max_width));
  object.Set("unorderedMatches", Napi::Boolean::New(env, result->unordered_matches != 0));
  object.Set("matchesAtEod", Napi::Boolean::New(env, result->matches_at_eod != 0));
  object.Set("matchesOnlyAtEod", Napi::Boolean::New(env, result->matches_only_at_eod != 0));
  std::free(result);  // allocated with the misc allocator, malloc by default
  return object;
}

Napi::Value Version(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), hs_version());
}

Napi::Value ValidPlatform(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), hs_valid_platform() == HS_SUCCESS);
}

Napi::Value LiveStreamCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(Stream::LiveCount()));
}

}  // namespace

void RegisterLibrary(Napi::Env env, Napi::Object exports) {
  exports.Set("expressionInfo", Napi::Function::New<ExpressionInfo>(env, "expressionInfo"));
  exports.Set("version", Napi::Function::New<Version>(env, "version"));
  exports.Set("validPlatform", Napi::Function::New<ValidPlatform>(env, "validPlatform"));
  exports.Set("liveStreamCount", Napi::Function::New<LiveStreamCount>(env, "liveStreamCount"));
}

}  // namespace hsjs
