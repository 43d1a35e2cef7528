// The S3 model: buckets and objects. Object bodies are plain files under
// <data_dir>/s3/<bucket>/<key> (so users can open the published CSVs directly); their metadata
// (size, ETag, Last-Modified, Content-Type, user metadata) lives in SQLite and commits with the
// simulation loop's group commit. A body is written to a temporary file and renamed into place,
// so a reader never sees half an object.
//
// Keys map to paths segment by segment ("csv/daily/x.csv" -> s3/<bucket>/csv/daily/x.csv), so
// every key S3 accepts (1 to 1,024 bytes of UTF-8) is storable: a segment longer than a file
// name may be (255 bytes) is stored under "<its first bytes>~<SHA-256 of the segment>.s3key"
// (at most 231 bytes); a short segment that happens to end like such a name is encoded the same
// way, so no two keys share a file. Listing, reading and deleting go by key (SQLite holds the
// keys); only the file names are encoded.
// DEVIATION: keys S3 accepts but a file system cannot hold safely are refused with
// InvalidArgument: empty segments ("a//b", a trailing "/"), "." or ".." segments, a leading
// "/", NUL or backslash, and a key that is also the "folder" of another key ("a" and "a/b").
// Nothing is ever written outside the bucket's directory.
//
// Thread rules: simulation thread only.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "emulator/core/faults.h"
#include "emulator/core/result.h"
#include "emulator/core/storage.h"
#include "emulator/core/time.h"

namespace emu::s3 {

struct ObjectMeta {
  std::int64_t size = 0;
  std::string etag;  // quoted hex MD5
  Micros last_modified = 0;
  std::string content_type = "binary/octet-stream";
  std::map<std::string, std::string> user_metadata;  // x-amz-meta-*
};

struct Bucket {
  std::string name;
  Micros created = 0;
  std::map<std::string, ObjectMeta> objects;  // sorted by key, as ListObjects returns them
  std::int64_t expiration_days = 0;           // lifecycle rule on every object; 0 = none
};

class S3Model {
 public:
  S3Model(Storage* storage, std::filesystem::path root, std::string region);
  ~S3Model();

  Result<Bucket*> create_bucket(const std::string& name, Micros now);
  Status delete_bucket(const std::string& name);
  Result<Bucket*> bucket(const std::string& name);
  const std::map<std::string, std::unique_ptr<Bucket>>& buckets() const { return buckets_; }
  const std::string& region() const { return region_; }

  Result<ObjectMeta> put_object(const std::string& bucket, const std::string& key,
                                const std::string& body, const std::string& content_type,
                                const std::map<std::string, std::string>& user_metadata,
                                Micros now);
  // The body, or NoSuchBucket/NoSuchKey.
  Result<std::string> read_object(const std::string& bucket, const std::string& key);
  Result<ObjectMeta> head_object(const std::string& bucket, const std::string& key);
  // Deleting a missing key succeeds, as on S3.
  Status delete_object(const std::string& bucket, const std::string& key);

  // A lifecycle rule expiring every object of the bucket after `days` (0 removes it).
  Status set_expiration_days(const std::string& bucket, std::int64_t days);
  // Lifecycle expiration: deletes objects past their bucket's expiration days. Returns how many.
  std::int64_t expire(Micros now);
  // A key the file system mapping accepts (see the DEVIATION above), or the error to return.
  Status check_key(const Bucket& bucket, const std::string& key) const;
  std::filesystem::path path_of(const std::string& bucket, const std::string& key) const;

  // Fault rules (service "s3", resource the bucket): put_object consults "PutObject" (and the
  // storage seam: "ObjectWrite" for the body's file, "Write" for its metadata), read_object
  // "GetObject"; the wire's listing asks fault() for "ListObjects"/"ListObjectsV2".
  void set_faults(FaultHook faults) { faults_ = faults; }
  std::optional<AwsError> fault(std::string_view operation, const std::string& bucket);
  // The latency fault rules added since the last call (the wire layer delays its reply by it).
  Micros take_fault_latency() { return std::exchange(fault_latency_, 0); }

 private:
  class Persistence;
  std::filesystem::path root_;
  std::string region_;
  std::map<std::string, std::unique_ptr<Bucket>> buckets_;
  std::unique_ptr<Persistence> persistence_;
  Storage* storage_ = nullptr;
  FaultHook faults_;
  Micros fault_latency_ = 0;
};

bool valid_bucket_name(const std::string& name);

// Longest key segment stored under its own name (NAME_MAX on Linux and macOS).
inline constexpr std::size_t kMaxFileNameBytes = 255;
// The path of `key`'s file relative to its bucket's directory (see the layout above).
std::string file_path_of_key(std::string_view key);

}  // namespace emu::s3
