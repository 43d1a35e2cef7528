// The file layout of S3 objects: every key S3 accepts is storable, long segments under encoded
// names, nothing outside the bucket's directory, and the layout is a function of the key alone.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <vector>

#include "emulator/http/aws_wire.h"
#include "emulator/s3/model.h"

using namespace emu;

TEST_CASE("short segments keep their names; long ones are encoded within NAME_MAX") {
  CHECK(s3::file_path_of_key("csv/daily-journalier/installs.csv") ==
        "csv/daily-journalier/installs.csv");
  const std::string limit(255, 'a');
  CHECK(s3::file_path_of_key(limit) == limit);
  const std::string long_segment(256, 'a');
  const std::string encoded = s3::file_path_of_key("dir/" + long_segment + "/x");
  const std::string name = encoded.substr(4, encoded.size() - 6);
  CHECK(encoded.rfind("dir/", 0) == 0);
  CHECK(encoded.substr(encoded.size() - 2) == "/x");
  std::string expected(160, 'a');
  expected += "~" + http::sha256_hex(long_segment) + ".s3key";
  CHECK(name == expected);
  CHECK(name.size() <= s3::kMaxFileNameBytes);
  // A 1,024-byte key of one segment.
  CHECK(s3::file_path_of_key(std::string(1024, 'k')).size() <= s3::kMaxFileNameBytes);
}

TEST_CASE("encoded names cut at a UTF-8 boundary and are distinct from every plain name") {
  std::string accents;
  for (int i = 0; i < 200; ++i) accents += "\xc3\xa9";  // 400 bytes
  const std::string name = s3::file_path_of_key(accents);
  CHECK(http::valid_utf8(name));
  CHECK(name.rfind(std::string(accents.substr(0, 160)) + "~", 0) == 0);
  // A short key that already looks like an encoded name is encoded too, so two keys never
  // share a file.
  const std::string lookalike = "a~" + http::sha256_hex("x") + ".s3key";
  CHECK(s3::file_path_of_key(lookalike) != lookalike);
  CHECK(s3::file_path_of_key(lookalike) == "a~" + http::sha256_hex("x") + ".s3key~" +
                                               http::sha256_hex(lookalike) + ".s3key");
  std::set<std::string> files;
  for (const std::string& key : std::vector<std::string>{std::string(300, 'a'), std::string(301, 'a'),
                                                        lookalike,
                                                        s3::file_path_of_key(std::string(300, 'a'))}) {
    CHECK(files.insert(s3::file_path_of_key(key)).second);
  }
}

TEST_CASE("the model stores, reads, lists and deletes long keys inside the bucket") {
  const auto root = std::filesystem::temp_directory_path() / "emu-s3-long-keys";
  std::filesystem::remove_all(root);
  s3::S3Model model(nullptr, root, "ca-central-1");
  REQUIRE(model.create_bucket("bucket", 0).ok());
  const std::string keys[] = {"d/" + std::string(300, 's') + "/end", std::string(1024, 'k')};
  for (const auto& key : keys) {
    REQUIRE(model.put_object("bucket", key, "body of " + key.substr(0, 3), "", {}, 0).ok());
    CHECK(*model.read_object("bucket", key) == "body of " + key.substr(0, 3));
    CHECK(model.path_of("bucket", key).string().rfind((root / "bucket").string() + "/", 0) == 0);
    CHECK(std::filesystem::exists(model.path_of("bucket", key)));
  }
  CHECK(model.bucket("bucket").value()->objects.size() == 2);
  for (const auto& key : keys) REQUIRE(model.delete_object("bucket", key).ok());
  CHECK(std::filesystem::is_empty(root / "bucket"));
  CHECK(model.put_object("bucket", std::string(1025, 'k'), "x", "", {}, 0).error().code ==
        "KeyTooLongError");
  CHECK(model.put_object("bucket", "a/../../x", "x", "", {}, 0).error().code == "InvalidArgument");
  std::filesystem::remove_all(root);
}
