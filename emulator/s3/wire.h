// S3 on the wire (rest-xml, aws-fidelity section 5): path-style addressing, and virtual-host
// style when the Host's first label names an existing bucket. ListBuckets, CreateBucket,
// HeadBucket, DeleteBucket, GetBucketLocation, PutObject (plain, Content-MD5 checked, and
// aws-chunked), GetObject (Range), HeadObject, DeleteObject, DeleteObjects, CopyObject,
// ListObjectsV2 and ListObjects (prefix, delimiter, pagination, encoding-type=url). Other
// sub-resources answer 501 NotImplemented.
#pragma once

#include "emulator/core/random.h"
#include "emulator/http/router.h"
#include "emulator/s3/model.h"

namespace emu::s3 {

class S3Wire final : public http::Service {
 public:
  S3Wire(S3Model& model, Random random) : model_(model), random_(std::move(random)) {}
  std::string_view name() const override { return "s3"; }
  bool accepts(const http::HttpRequest& request) const override;
  http::HttpResponse handle(const http::HttpRequest& request, Micros now) override;

  struct Target {
    std::string bucket;
    std::string key;  // decoded
  };
  // Bucket and key of a request, path- or virtual-host style.
  Target target_of(const http::HttpRequest& request) const;

 private:
  http::HttpResponse dispatch(const http::HttpRequest& request, const Target& target,
                              const std::map<std::string, std::string>& query, Micros now);
  http::HttpResponse put_object(const http::HttpRequest& request, const Target& target, Micros now);
  http::HttpResponse copy_object(const http::HttpRequest& request, const Target& target,
                                 Micros now);
  http::HttpResponse get_object(const http::HttpRequest& request, const Target& target, bool head);
  http::HttpResponse list_buckets();
  http::HttpResponse list_objects(const Bucket& bucket,
                                  const std::map<std::string, std::string>& query);
  http::HttpResponse delete_objects(const http::HttpRequest& request, const Target& target);

  S3Model& model_;
  Random random_;
  std::string request_id_;
};

// The payload of an aws-chunked body ("<hex>[;chunk-signature=..]\r\n<data>\r\n...0\r\n
// <trailers>\r\n"), or nullopt when malformed.
std::optional<std::string> decode_aws_chunked(std::string_view body);
// S3's error document, with x-amz-request-id / x-amz-id-2. HEAD errors carry no body.
http::HttpResponse s3_error(const AwsError& error, const std::string& request_id,
                            const std::string& resource, bool head = false);

}  // namespace emu::s3
