// The answer for AWS requests no emulated service claims: a service (or an operation of a
// service) this emulator does not implement. Registered after every AWS wire layer and before
// the phones' endpoint, it recognises an AWS request by its SigV4 credential scope, its
// X-Amz-Target or its query-protocol Action, and answers in that request's protocol (JSON
// 1.0/1.1, query, EC2, rest-json, rest-xml) with an error naming the service and operation and
// listing what is emulated, so an SDK raises it and the AWS CLI prints it and exits non-zero.
// Requests with none of these marks are the phones' (the WAF answers them).
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "emulator/core/random.h"
#include "emulator/http/router.h"

namespace emu::http {

// How a request that reached no service was encoded, and what it asked for.
struct UnsupportedCall {
  enum class Protocol { kJson, kQuery, kEc2, kRestJson, kRestXml } protocol = Protocol::kRestJson;
  std::string service;    // the SigV4 scope's service, else the X-Amz-Target prefix, else "unknown"
  std::string operation;  // the target's or Action's operation, else "<METHOD> <path>"
  std::string content_type;  // JSON protocols: the request's (1.0 or 1.1)
};

// True when `request` carries an AWS mark (SigV4 scope, X-Amz-Target, query Action).
bool looks_like_aws(const HttpRequest& request);
UnsupportedCall classify_unsupported(const HttpRequest& request);

class UnsupportedService final : public Service {
 public:
  // `supported`: one line per emulated service, e.g. "dynamodb (JSON 1.0)", listed in messages.
  // `emulated_signing_names`: the SigV4 names of the emulated services ("dynamodb", "sqs", ...):
  // a request signed for one that its wire layer did not take is told that the service is
  // emulated but not that request's form.
  UnsupportedService(std::vector<std::string> supported,
                     std::vector<std::string> emulated_signing_names, Random random)
      : supported_(std::move(supported)),
        emulated_(std::move(emulated_signing_names)),
        random_(std::move(random)) {}

  std::string_view name() const override { return "unsupported"; }
  bool accepts(const HttpRequest& request) const override { return looks_like_aws(request); }
  HttpResponse handle(const HttpRequest& request, Micros now) override;

  std::string message_for(const UnsupportedCall& call) const;

 private:
  std::vector<std::string> supported_;
  std::vector<std::string> emulated_;
  Random random_;
};

}  // namespace emu::http
