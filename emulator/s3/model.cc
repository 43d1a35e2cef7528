#include "emulator/s3/model.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include <SQLiteCpp/Statement.h>
#include <nlohmann/json.hpp>

#include "emulator/core/errors.h"
#include "emulator/core/json_util.h"
#include "emulator/http/aws_wire.h"

namespace emu::s3 {

namespace {

AwsError no_bucket(const std::string& name) {
  (void)name;
  return errors::s3::kNoSuchBucket("The specified bucket does not exist");
}

AwsError no_key() { return errors::s3::kNoSuchKey("The specified key does not exist."); }

AwsError unstorable(const std::string& key, const std::string& why) {
  return errors::s3::kInvalidArgument("The key \"" + key +
                                      "\" cannot be stored by this emulator: " + why);
}

AwsError internal() {
  return errors::s3::kInternalError("We encountered an internal error. Please try again.");
}

constexpr std::string_view kEncodedSuffix = ".s3key";
constexpr std::size_t kHashHex = 64;          // SHA-256 in hex
constexpr std::size_t kKeptPrefixBytes = 160;  // of a long segment, for people browsing the dir

// "<anything>~<64 hex digits>.s3key": the form of an encoded segment.
bool looks_encoded(std::string_view segment) {
  const std::size_t tail = 1 + kHashHex + kEncodedSuffix.size();
  if (segment.size() < tail || !segment.ends_with(kEncodedSuffix)) return false;
  const std::string_view mark = segment.substr(segment.size() - tail);
  if (mark.front() != '~') return false;
  return mark.substr(1, kHashHex).find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

std::string file_name_of_segment(std::string_view segment) {
  if (segment.size() <= kMaxFileNameBytes && !looks_encoded(segment)) return std::string(segment);
  std::size_t keep = std::min(segment.size(), kKeptPrefixBytes);
  // Cut at a UTF-8 character boundary, so the file name stays readable text.
  while (keep > 0 && keep < segment.size() &&
         (static_cast<unsigned char>(segment[keep]) & 0xC0) == 0x80) {
    --keep;
  }
  return std::string(segment.substr(0, keep)) + "~" + http::sha256_hex(segment) +
         std::string(kEncodedSuffix);
}

}  // namespace

std::string file_path_of_key(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  std::size_t start = 0;
  while (true) {
    const auto slash = key.find('/', start);
    out += file_name_of_segment(key.substr(start, slash == std::string_view::npos
                                                      ? std::string_view::npos
                                                      : slash - start));
    if (slash == std::string_view::npos) break;
    out += '/';
    start = slash + 1;
  }
  return out;
}

bool valid_bucket_name(const std::string& name) {
  if (name.size() < 3 || name.size() > 63) return false;
  for (char c : name) {
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
          c == '-' || c == '.')) {
      return false;
    }
  }
  return std::isalnum(static_cast<unsigned char>(name.front())) &&
         std::isalnum(static_cast<unsigned char>(name.back())) && name.find("..") == std::string::npos;
}

class S3Model::Persistence {
 public:
  explicit Persistence(Storage& storage) : storage_(storage) {
    storage_.db().exec(
        "CREATE TABLE IF NOT EXISTS s3_buckets (name TEXT PRIMARY KEY, created INTEGER NOT NULL,"
        " expiration_days INTEGER NOT NULL DEFAULT 0);"
        "CREATE TABLE IF NOT EXISTS s3_objects (bucket TEXT NOT NULL, key TEXT NOT NULL, "
        "size INTEGER NOT NULL, etag TEXT NOT NULL, modified INTEGER NOT NULL, "
        "content_type TEXT NOT NULL, metadata TEXT NOT NULL, PRIMARY KEY (bucket, key));");
  }
  void load(std::map<std::string, std::unique_ptr<Bucket>>& buckets) {
    SQLite::Statement b(storage_.db(), "SELECT name, created, expiration_days FROM s3_buckets");
    while (b.executeStep()) {
      auto bucket = std::make_unique<Bucket>();
      bucket->name = b.getColumn(0).getString();
      bucket->created = b.getColumn(1).getInt64();
      bucket->expiration_days = b.getColumn(2).getInt64();
      buckets[bucket->name] = std::move(bucket);
    }
    SQLite::Statement o(storage_.db(),
                        "SELECT bucket, key, size, etag, modified, content_type, metadata "
                        "FROM s3_objects");
    while (o.executeStep()) {
      const auto it = buckets.find(o.getColumn(0).getString());
      if (it == buckets.end()) continue;
      ObjectMeta m;
      m.size = o.getColumn(2).getInt64();
      m.etag = o.getColumn(3).getString();
      m.last_modified = o.getColumn(4).getInt64();
      m.content_type = o.getColumn(5).getString();
      const auto meta = nlohmann::json::parse(o.getColumn(6).getString(), nullptr, false);
      if (meta.is_object()) m.user_metadata = meta.get<std::map<std::string, std::string>>();
      it->second->objects[o.getColumn(1).getString()] = std::move(m);
    }
  }
  void save_bucket(const Bucket& b) {
    storage_.ensure_transaction();
    SQLite::Statement st(storage_.db(), "INSERT OR REPLACE INTO s3_buckets VALUES (?, ?, ?)");
    st.bind(1, b.name);
    st.bind(2, static_cast<std::int64_t>(b.created));
    st.bind(3, b.expiration_days);
    st.exec();
  }
  void delete_bucket(const std::string& name) {
    storage_.ensure_transaction();
    SQLite::Statement st(storage_.db(), "DELETE FROM s3_buckets WHERE name = ?");
    st.bind(1, name);
    st.exec();
  }
  void save_object(const std::string& bucket, const std::string& key, const ObjectMeta& m) {
    storage_.ensure_transaction();
    SQLite::Statement st(storage_.db(),
                         "INSERT OR REPLACE INTO s3_objects VALUES (?, ?, ?, ?, ?, ?, ?)");
    st.bind(1, bucket);
    st.bind(2, key);
    st.bind(3, m.size);
    st.bind(4, m.etag);
    st.bind(5, static_cast<std::int64_t>(m.last_modified));
    st.bind(6, m.content_type);
    st.bind(7, dump_compact(nlohmann::json(m.user_metadata)));  // never throws on bad UTF-8
    st.exec();
  }
  void delete_object(const std::string& bucket, const std::string& key) {
    storage_.ensure_transaction();
    SQLite::Statement st(storage_.db(), "DELETE FROM s3_objects WHERE bucket = ? AND key = ?");
    st.bind(1, bucket);
    st.bind(2, key);
    st.exec();
  }

 private:
  Storage& storage_;
};

S3Model::S3Model(Storage* storage, std::filesystem::path root, std::string region)
    : root_(std::move(root)), region_(std::move(region)), storage_(storage) {
  if (storage != nullptr) {
    persistence_ = std::make_unique<Persistence>(*storage);
    persistence_->load(buckets_);
  }
}

S3Model::~S3Model() = default;

Result<Bucket*> S3Model::create_bucket(const std::string& name, Micros now) {
  if (!valid_bucket_name(name)) {
    return errors::s3::kInvalidBucketName("The specified bucket is not valid.");
  }
  if (const auto it = buckets_.find(name); it != buckets_.end()) {
    return errors::s3::kBucketAlreadyOwnedByYou(
        "Your previous request to create the named bucket succeeded and you "
        "already own it.");
  }
  auto bucket = std::make_unique<Bucket>();
  bucket->name = name;
  bucket->created = now;
  Bucket* raw = bucket.get();
  buckets_[name] = std::move(bucket);
  std::error_code ec;
  std::filesystem::create_directories(root_ / name, ec);
  if (persistence_) persistence_->save_bucket(*raw);
  return raw;
}

Status S3Model::delete_bucket(const std::string& name) {
  auto b = bucket(name);
  if (!b) return b.error();
  if (!(*b)->objects.empty()) {
    return errors::s3::kBucketNotEmpty("The bucket you tried to delete is not empty");
  }
  if (persistence_) persistence_->delete_bucket(name);
  std::error_code ec;
  std::filesystem::remove_all(root_ / name, ec);
  buckets_.erase(name);
  return ok_status();
}

Result<Bucket*> S3Model::bucket(const std::string& name) {
  const auto it = buckets_.find(name);
  if (it == buckets_.end()) return no_bucket(name);
  return it->second.get();
}

Status S3Model::check_key(const Bucket& bucket, const std::string& key) const {
  if (key.empty()) return errors::s3::kInvalidArgument("The key must not be empty.");
  if (key.size() > 1024) return errors::s3::kKeyTooLong("Your key is too long");
  if (key.front() == '/') return unstorable(key, "it starts with \"/\"");
  if (key.find('\0') != std::string::npos || key.find('\\') != std::string::npos) {
    return unstorable(key, "it contains NUL or a backslash");
  }
  std::size_t start = 0;
  while (true) {
    const auto slash = key.find('/', start);
    const std::string segment = key.substr(start, slash == std::string::npos ? std::string::npos
                                                                             : slash - start);
    if (segment.empty()) return unstorable(key, "it has an empty path segment");
    if (segment == "." || segment == "..") return unstorable(key, "it has a \".\" or \"..\" segment");
    if (slash == std::string::npos) break;
    // A "folder" of this key must not be an object itself.
    if (bucket.objects.count(key.substr(0, slash)) > 0) {
      return unstorable(key, "\"" + key.substr(0, slash) + "\" is an object");
    }
    start = slash + 1;
  }
  // Nor may this key be the folder of an existing key.
  const auto it = bucket.objects.lower_bound(key + "/");
  if (it != bucket.objects.end() && it->first.rfind(key + "/", 0) == 0) {
    return unstorable(key, "it is the folder of \"" + it->first + "\"");
  }
  return ok_status();
}

std::optional<AwsError> S3Model::fault(std::string_view operation, const std::string& bucket) {
  FaultDecision d = faults_.check(operation, bucket);
  if (operation == "PutObject" && storage_ != nullptr) {
    // The body's file and the metadata row: a failing disk is S3's 500, nothing stored.
    FaultDecision disk = storage_->disk_faults().before_object_write(bucket);
    disk.merge(storage_->disk_faults().before_write("s3"));
    if (disk.error) disk.error = internal();
    d.merge(disk);
  }
  fault_latency_ += d.extra_latency;
  return d.error;
}

std::filesystem::path S3Model::path_of(const std::string& bucket, const std::string& key) const {
  return root_ / bucket / file_path_of_key(key);
}

Result<ObjectMeta> S3Model::put_object(const std::string& bucket_name, const std::string& key,
                                       const std::string& body, const std::string& content_type,
                                       const std::map<std::string, std::string>& user_metadata,
                                       Micros now) {
  auto b = bucket(bucket_name);
  if (!b) return b.error();
  Bucket& bucket = **b;
  const auto checked = check_key(bucket, key);
  if (!checked) return checked.error();
  if (auto error = fault("PutObject", bucket_name)) return *error;
  const auto path = path_of(bucket_name, key);
  const auto tmp = root_ / ".tmp";
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  std::filesystem::create_directories(tmp, ec);
  const auto tmp_file = tmp / (std::to_string(now) + "-" + std::to_string(std::hash<std::string>{}(key)));
  {
    std::ofstream out(tmp_file, std::ios::binary | std::ios::trunc);
    out.write(body.data(), static_cast<std::streamsize>(body.size()));
    if (!out) return internal();
  }
  std::filesystem::rename(tmp_file, path, ec);
  if (ec) return internal();
  ObjectMeta meta;
  meta.size = static_cast<std::int64_t>(body.size());
  meta.etag = "\"" + http::md5_hex(body) + "\"";
  meta.last_modified = now;
  if (!content_type.empty()) meta.content_type = content_type;
  meta.user_metadata = user_metadata;
  bucket.objects[key] = meta;
  if (persistence_) persistence_->save_object(bucket_name, key, meta);
  return meta;
}

Result<ObjectMeta> S3Model::head_object(const std::string& bucket_name, const std::string& key) {
  auto b = bucket(bucket_name);
  if (!b) return b.error();
  const auto it = (*b)->objects.find(key);
  if (it == (*b)->objects.end()) return no_key();
  return it->second;
}

Result<std::string> S3Model::read_object(const std::string& bucket_name, const std::string& key) {
  auto meta = head_object(bucket_name, key);
  if (!meta) return meta.error();
  if (auto error = fault("GetObject", bucket_name)) return *error;
  std::ifstream in(path_of(bucket_name, key), std::ios::binary);
  if (!in) return internal();
  std::ostringstream body;
  body << in.rdbuf();
  return body.str();
}

Status S3Model::delete_object(const std::string& bucket_name, const std::string& key) {
  auto b = bucket(bucket_name);
  if (!b) return b.error();
  const auto it = (*b)->objects.find(key);
  if (it == (*b)->objects.end()) return ok_status();
  (*b)->objects.erase(it);
  if (persistence_) persistence_->delete_object(bucket_name, key);
  std::error_code ec;
  std::filesystem::remove(path_of(bucket_name, key), ec);
  // Remove folders the key leaves empty, up to the bucket directory.
  auto dir = path_of(bucket_name, key).parent_path();
  const auto top = root_ / bucket_name;
  while (dir != top && std::filesystem::is_empty(dir, ec) && !ec) {
    std::filesystem::remove(dir, ec);
    dir = dir.parent_path();
  }
  return ok_status();
}

Status S3Model::set_expiration_days(const std::string& name, std::int64_t days) {
  auto b = bucket(name);
  if (!b) return b.error();
  (*b)->expiration_days = days;
  if (persistence_) persistence_->save_bucket(**b);
  return ok_status();
}

std::int64_t S3Model::expire(Micros now) {
  // S3 lifecycle: an object expires at the first midnight UTC after `days` days.
  std::int64_t n = 0;
  for (auto& [name, bucket] : buckets_) {
    if (bucket->expiration_days <= 0) continue;
    std::vector<std::string> expired;
    for (const auto& [key, meta] : bucket->objects) {
      const Micros due = floor_to(meta.last_modified, kMicrosPerDay) +
                         (bucket->expiration_days + 1) * kMicrosPerDay;
      if (due <= now) expired.push_back(key);
    }
    for (const auto& key : expired) {
      if (delete_object(name, key).ok()) ++n;
    }
  }
  return n;
}

}  // namespace emu::s3
