// Why this exists: the native Database owns one hs_database_t and the scratch space allocated
// for it once at creation. Both live in a DatabaseHandle shared with the database's streams, so
// closing (or collecting) the Database while streams are open never frees memory under them:
// the handle is freed when its last owner lets go.
#pragma once

#include <hs.h>
#include <napi.h>

#include <cstdint>
#include <memory>

namespace hsjs {

struct DatabaseHandle {
  hs_database_t* database = nullptr;
  hs_scratch_t* scratch = nullptr;
  size_t streamSize = 0;  // hs_stream_size; 0 for block-mode databases

  DatabaseHandle() = default;
  DatabaseHandle(const DatabaseHandle&) = delete;
  DatabaseHandle& operator=(const DatabaseHandle&) = delete;
  ~DatabaseHandle();
};

class Database : public Napi::ObjectWrap<Database> {
 public:
  static Napi::Function Define(Napi::Env env);

  // Not for JS: the facade creates databases through compile / compileLiterals / deserialize.
  // A Database constructed directly from JS is closed.
  explicit Database(const Napi::CallbackInfo& info);
  ~Database() override;

 private:
  // Takes ownership of `database`, allocates its scratch and wraps both in a new JS object.
  static Napi::Object Adopt(Napi::Env env, hs_database_t* database);

  // compile(patterns: string[], flags: Uint32Array, ids: Uint32Array, mode: number)
  static Napi::Value Compile(const Napi::CallbackInfo& info);
  // compileLiterals(literals: Uint8Array[], flags: Uint32Array, ids: Uint32Array, mode: number)
  static Napi::Value CompileLiterals(const Napi::CallbackInfo& info);
  // deserialize(bytes: Uint8Array)
  static Napi::Value Deserialize(const Napi::CallbackInfo& info);

  // scan(data: Uint8Array, memory: ArrayBuffer): number appended
  Napi::Value Scan(const Napi::CallbackInfo& info);
  // openStream(): native Stream
  Napi::Value OpenStream(const Napi::CallbackInfo& info);
  Napi::Value Serialize(const Napi::CallbackInfo& info);
  Napi::Value Info(const Napi::CallbackInfo& info);
  Napi::Value SizeBytes(const Napi::CallbackInfo& info);
  // hs_stream_size, or 0 when the database is not a stream-mode database.
  Napi::Value StreamSizeBytes(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);

  const std::shared_ptr<DatabaseHandle>& Live(Napi::Env env) const;
  void ReleaseAccounting(Napi::Env env);

  std::shared_ptr<DatabaseHandle> handle_;
  int64_t accountedBytes_ = 0;
};

}  // namespace hsjs
