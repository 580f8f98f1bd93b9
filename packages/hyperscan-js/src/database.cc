// Native Database: compile / deserialize, block-mode scan, stream creation, serialize, info.
#include "database.h"

#include <climits>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "addon-data.h"
#include "errors.h"
#include "match-sink.h"
#include "stream.h"

namespace hsjs {
namespace {

// A Uint32Array argument of exactly `expected` elements.
const unsigned int* ReadUint32s(Napi::Env env, napi_value value, size_t expected,
                                const char* what) {
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (napi_get_typedarray_info(env, value, &type, &length, &data, nullptr, nullptr) != napi_ok ||
      type != napi_uint32_array || length != expected) {
    throw InvalidArgument(env, std::string(what) + " must be a Uint32Array with one entry per " +
                                   "expression (" + std::to_string(expected) + ")");
  }
  return static_cast<const unsigned int*>(data);
}

Napi::Array ReadArray(Napi::Env env, const Napi::Value& value, const char* what) {
  if (!value.IsArray()) throw InvalidArgument(env, std::string(what) + " must be an array");
  return value.As<Napi::Array>();
}

unsigned int ReadMode(Napi::Env env, const Napi::Value& value) {
  if (!value.IsNumber()) throw InvalidArgument(env, "mode must be a number");
  return value.As<Napi::Number>().Uint32Value();
}

}  // namespace

DatabaseHandle::~DatabaseHandle() {
  hs_free_scratch(scratch);
  hs_free_database(database);
}

Napi::Function Database::Define(Napi::Env env) {
  return DefineClass(env, "NativeDatabase",
                     {
                         StaticMethod<&Database::Compile>("compile"),
                         StaticMethod<&Database::CompileLiterals>("compileLiterals"),
                         StaticMethod<&Database::Deserialize>("deserialize"),
                         InstanceMethod<&Database::Scan>("scan"),
                         InstanceMethod<&Database::OpenStream>("openStream"),
                         InstanceMethod<&Database::Serialize>("serialize"),
                         InstanceMethod<&Database::Info>("info"),
                         InstanceMethod<&Database::SizeBytes>("sizeBytes"),
                         InstanceMethod<&Database::StreamSizeBytes>("streamSizeBytes"),
                         InstanceMethod<&Database::Close>("close"),
                     });
}

Database::Database(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Database>(info) {}

Database::~Database() { ReleaseAccounting(Env()); }

Napi::Object Database::Adopt(Napi::Env env, hs_database_t* database) {
  auto handle = std::make_shared<DatabaseHandle>();
  handle->database = database;  // from here on the handle frees it, also on the throws below
  hs_error_t rc = hs_alloc_scratch(database, &handle->scratch);
  if (rc != HS_SUCCESS) throw HsError(env, rc, "hs_alloc_scratch");
  size_t streamSize = 0;
  if (hs_stream_size(database, &streamSize) == HS_SUCCESS) handle->streamSize = streamSize;

  size_t databaseSize = 0;
  size_t scratchSize = 0;
  hs_database_size(database, &databaseSize);
  hs_scratch_size(handle->scratch, &scratchSize);

  Napi::Object object = env.GetInstanceData<AddonData>()->database.New({});
  Database* self = Unwrap(object);
  self->handle_ = std::move(handle);
  self->accountedBytes_ = static_cast<int64_t>(databaseSize + scratchSize);
  Napi::MemoryManagement::AdjustExternalMemory(env, self->accountedBytes_);
  return object;
}

Napi::Value Database::Compile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array patterns = ReadArray(env, info[0], "patterns");
  const uint32_t count = patterns.Length();
  const unsigned int* flags = ReadUint32s(env, info[1], count, "flags");
  const unsigned int* ids = ReadUint32s(env, info[2], count, "ids");
  const unsigned int mode = ReadMode(env, info[3]);

  std::vector<std::string> storage;
  storage.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    Napi::Value pattern = patterns.Get(i);
    if (!pattern.IsString()) {
      throw InvalidArgument(env, "pattern " + std::to_string(i) + " is not a string");
    }
    storage.push_back(pattern.As<Napi::String>().Utf8Value());
  }
  std::vector<const char*> pointers;
  pointers.reserve(count);
  for (const std::string& pattern : storage) pointers.push_back(pattern.c_str());

  hs_database_t* database = nullptr;
  CompileErrorGuard error;
  hs_error_t rc = hs_compile_multi(pointers.data(), flags, ids, count, mode, nullptr, &database,
                                   error.Out());
  if (rc == HS_COMPILER_ERROR) throw CompileError(env, error.Get());
  if (rc != HS_SUCCESS) throw HsError(env, rc, "hs_compile_multi");
  return Adopt(env, database);
}

Napi::Value Database::CompileLiterals(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array literals = ReadArray(env, info[0], "literals");
  const uint32_t count = literals.Length();
  const unsigned int* flags = ReadUint32s(env, info[1], count, "flags");
  const unsigned int* ids = ReadUint32s(env, info[2], count, "ids");
  const unsigned int mode = ReadMode(env, info[3]);

  // Pointing into the arrays is enough: their handles live until this call returns, no JS runs
  // before the compile call, and Hyperscan copies the literals.
  std::vector<const char*> pointers;
  std::vector<size_t> lengths;
  pointers.reserve(count);
  lengths.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    ByteView bytes = ReadBytes(env, literals.Get(i), "literal");
    pointers.push_back(bytes.data);
    lengths.push_back(bytes.length);
  }

  hs_database_t* database = nullptr;
  CompileErrorGuard error;
  hs_error_t rc = hs_compile_lit_multi(pointers.data(), flags, ids, lengths.data(), count, mode,
                                       nullptr, &database, error.Out());
  if (rc == HS_COMPILER_ERROR) throw CompileError(env, error.Get());
  if (rc != HS_SUCCESS) throw HsError(env, rc, "hs_compile_lit_multi");
  return Adopt(env, database);
}

Napi::Value Database::Deserialize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ByteView bytes = ReadBytes(env, info[0], "bytes");
  hs_database_t* database = nullptr;
  hs_error_t rc = hs_deserialize_database(bytes.data, bytes.length, &database);
  if (rc != HS_SUCCESS) throw HsError(env, rc, "hs_deserialize_database");
  return Adopt(env, database);
}

const std::shared_ptr<DatabaseHandle>& Database::Live(Napi::Env env) const {
  if (!handle_) throw ClosedError(env, "database");
  return handle_;
}

Napi::Value Database::Scan(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const DatabaseHandle& handle = *Live(env);
  ByteView data = ReadBytes(env, info[0], "data");
  if (data.length > UINT_MAX) throw InvalidArgument(env, "data is larger than 4 GiB");
  MatchSink sink = MatchSink::Bind(env, info[1]);
  hs_error_t rc = hs_scan(handle.database, data.data, static_cast<unsigned int>(data.length), 0,
                          handle.scratch, &MatchSink::OnMatch, &sink);
  const uint32_t appended = sink.Finish();
  if (rc != HS_SUCCESS) throw HsError(env, rc, "hs_scan");
  return Napi::Number::New(env, appended);
}

Napi::Value Database::OpenStream(const Napi::CallbackInfo& info) {
  return Stream::Open(info.Env(), Live(info.Env()));
}

Napi::Value Database::Serialize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  char* bytes = nullptr;
  size_t length = 0;
  hs_error_t rc = hs_serialize_database(Live(env)->database, &bytes, &length);
  if (rc != HS_SUCCESS) throw HsError(env, rc, "hs_serialize_database");
  Napi::ArrayBuffer buffer;
  try {
    buffer = Napi::ArrayBuffer::New(env, length);
  } catch (...) {
    std::free(bytes);
    throw;
  }
  std::memcpy(buffer.Data(), bytes, length);
  std::free(bytes);
  return Napi::Uint8Array::New(env, length, buffer, 0);
}

Napi::Value Database::Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  char* text = nullptr;
  hs_error_t rc = hs_database_info(Live(env)->database, &text);
  if (rc != HS_SUCCESS) throw HsError(env, rc, "hs_database_info");
  std::string result(text != nullptr ? text : "");
  std::free(text);
  return Napi::String::New(env, result);
}

Napi::Value Database::SizeBytes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  size_t size = 0;
  hs_error_t rc = hs_database_size(Live(env)->database, &size);
  if (rc != HS_SUCCESS) throw HsError(env, rc, "hs_database_size");
  return Napi::Number::New(env, static_cast<double>(size));
}

Napi::Value Database::StreamSizeBytes(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(Live(info.Env())->streamSize));
}

Napi::Value Database::Close(const Napi::CallbackInfo& info) {
  handle_.reset();
  ReleaseAccounting(info.Env());
  return info.Env().Undefined();
}

void Database::ReleaseAccounting(Napi::Env env) {
  if (accountedBytes_ == 0) return;
  Napi::MemoryManagement::AdjustExternalMemory(env, -accountedBytes_);
  accountedBytes_ = 0;
}

}  // namespace hsjs
