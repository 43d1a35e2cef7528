#include <doctest/doctest.h>

#include <filesystem>

#include "emulator/http/aws_wire.h"
#include "emulator/sqs/model.h"
#include "emulator/sqs/wire.h"

using namespace emu;
using namespace emu::sqs;

namespace {

SqsModel make(Storage* storage = nullptr) {
  return SqsModel(storage, "000000000000", "ca-central-1", "http://127.0.0.1:4566", SqsLimits{},
                  Random(7));
}

MessageAttributeValue number(std::string v) { return {"Number", std::move(v), ""}; }

}  // namespace

TEST_CASE("MD5OfMessageAttributes matches the digests AWS returns (moto's pinned vectors)") {
  CHECK(md5_of_attributes({{"timestamp", number("1493147359900")}}) ==
        "235c5c510d26fb653d073faed50ae77c");
  CHECK(md5_of_attributes({{"timestamp", number("1493147359901")}}) ==
        "994258b45346a2cc3f9cbb611aa7af30");
  CHECK(http::md5_hex("derp") == "58fd9edd83341c29f1aebba81c31e257");
}

TEST_CASE("visibility timeout, receive count and new receipt handles") {
  auto sqs = make();
  Queue& q = **sqs.create_queue("q", {{"VisibilityTimeout", "30"}}, 0);
  REQUIRE(sqs.send(q, "hello", -1, {}, 0).ok());
  auto first = sqs.receive(q, 10, -1, seconds(1));
  REQUIRE(first->size() == 1);
  CHECK(first->at(0).message->receive_count == 1);
  const std::string old_handle = first->at(0).receipt_handle;
  CHECK(sqs.receive(q, 10, -1, seconds(30))->empty());  // invisible until 31 s
  auto second = sqs.receive(q, 10, -1, seconds(31));
  REQUIRE(second->size() == 1);
  CHECK(second->at(0).message->receive_count == 2);
  CHECK(second->at(0).receipt_handle != old_handle);
  // The old handle "succeeds" without deleting; the new one deletes.
  CHECK(sqs.delete_message(q, old_handle).ok());
  CHECK(q.size() == 1);
  CHECK(sqs.delete_message(q, second->at(0).receipt_handle).ok());
  CHECK(q.size() == 0);
  CHECK(sqs.delete_message(q, "garbage").error().code == "ReceiptHandleIsInvalid");
}

TEST_CASE("per-message delay and its limits") {
  auto sqs = make();
  Queue& q = **sqs.create_queue("q", {}, 0);
  REQUIRE(sqs.send(q, "later", 5, {}, 0).ok());
  CHECK(q.delayed(0) == 1);
  CHECK(sqs.receive(q, 1, -1, seconds(4.9))->empty());
  CHECK(sqs.receive(q, 1, -1, seconds(5))->size() == 1);
  CHECK(sqs.send(q, "x", 901, {}, 0).error().code == "InvalidParameterValueException");
  CHECK(sqs.send(q, "", 0, {}, 0).error().code == "MissingRequiredParameterException");
  CHECK(sqs.send(q, std::string("bad\x01", 4), 0, {}, 0).error().code == "InvalidMessageContents");
}

TEST_CASE("redrive moves a message on the receive that passes maxReceiveCount") {
  auto sqs = make();
  Queue& dlq = **sqs.create_queue("dlq", {}, 0);
  Queue& q = **sqs.create_queue(
      "src", {{"VisibilityTimeout", "0"},
              {"RedrivePolicy", R"({"deadLetterTargetArn":")" + dlq.arn() + R"(","maxReceiveCount":2})"}},
      0);
  REQUIRE(sqs.send(q, "poison", 0, {}, 0).ok());
  std::vector<std::size_t> got;
  for (int i = 1; i <= 4; ++i) got.push_back(sqs.receive(q, 1, -1, seconds(i))->size());
  CHECK(got == std::vector<std::size_t>{1, 1, 0, 0});
  CHECK(dlq.size() == 1);
  CHECK(sqs.receive(dlq, 1, -1, seconds(5))->at(0).message->body == "poison");
}

TEST_CASE("retention drops old messages; attributes are validated") {
  auto sqs = make();
  Queue& q = **sqs.create_queue("q", {{"MessageRetentionPeriod", "60"}}, 0);
  REQUIRE(sqs.send(q, "old", 0, {}, 0).ok());
  CHECK(sqs.get_attributes(q, {"ApproximateNumberOfMessages"}, seconds(59))->at(
            "ApproximateNumberOfMessages") == "1");
  CHECK(sqs.get_attributes(q, {"ApproximateNumberOfMessages"}, seconds(61))->at(
            "ApproximateNumberOfMessages") == "0");
  CHECK(sqs.set_attributes(q, {{"VisibilityTimeout", "43201"}}, 0).error().code ==
        "InvalidAttributeValue");
  CHECK(sqs.set_attributes(q, {{"Colour", "blue"}}, 0).error().code == "InvalidAttributeName");
  CHECK(sqs.create_queue("q", {{"VisibilityTimeout", "5"}}, 0).error().code == "QueueNameExists");
  CHECK(sqs.queue("http://elsewhere:1/000000000000/nope").error().code == "QueueDoesNotExist");
}

TEST_CASE("queued messages survive a restart on the same database") {
  const auto path = std::filesystem::temp_directory_path() / "emu-sqs-persist.db";
  std::filesystem::remove(path);
  std::string id;
  {
    Storage storage(path.string(), "NORMAL");
    auto sqs = make(&storage);
    Queue& q = **sqs.create_queue("q", {{"VisibilityTimeout", "10"}}, 0);
    id = sqs.send(q, "durable", 3, {{"n", number("1")}}, 0)->message_id;
    REQUIRE(sqs.send(q, "deleted", 0, {}, 0).ok());
    auto r = sqs.receive(q, 10, -1, seconds(1));
    REQUIRE(r->size() == 1);
    REQUIRE(sqs.delete_message(q, r->at(0).receipt_handle).ok());
    storage.commit();
  }
  Storage storage(path.string(), "NORMAL");
  auto sqs = make(&storage);
  auto q = sqs.queue("q");
  REQUIRE(q.ok());
  CHECK((*q)->attributes().visibility_timeout == 10);
  auto r = sqs.receive(**q, 10, -1, seconds(3));
  REQUIRE(r->size() == 1);
  CHECK(r->at(0).message->id == id);
  CHECK(r->at(0).message->attributes.at("n").string_value == "1");
  std::filesystem::remove(path);
}

TEST_CASE("query parameters map onto the JSON request shape") {
  http::QueryParams params(
      "Action=SendMessageBatch&QueueUrl=u&SendMessageBatchRequestEntry.1.Id=a&"
      "SendMessageBatchRequestEntry.1.MessageBody=x&SendMessageBatchRequestEntry.1.DelaySeconds=3&"
      "SendMessageBatchRequestEntry.2.Id=b&SendMessageBatchRequestEntry.2.MessageBody=y&"
      "SendMessageBatchRequestEntry.2.MessageAttribute.1.Name=k&"
      "SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.DataType=String&"
      "SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.StringValue=v");
  const auto converted = query_to_json("SendMessageBatch", params);
  REQUIRE(converted.ok());
  const nlohmann::json& j = *converted;
  CHECK(j["QueueUrl"] == "u");
  REQUIRE(j["Entries"].size() == 2);
  CHECK(j["Entries"][0]["DelaySeconds"] == "3");
  CHECK(j["Entries"][1]["MessageAttributes"]["k"]["StringValue"] == "v");
  CHECK(query_code("QueueDoesNotExist") == "AWS.SimpleQueueService.NonExistentQueue");
  // A list index that is not 1..1,000,000 is the query protocol's InvalidQueryParameter.
  for (const char* bad : {"AttributeName.0=All", "AttributeName.99999999999999999999=All",
                          "AttributeName.x=All", "AttributeName.+1=All"}) {
    const auto refused = query_to_json("ReceiveMessage", http::QueryParams(bad));
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == "InvalidQueryParameter");
  }
}

TEST_CASE("a model whose id stream repeats never overwrites a stored message") {
  // Two models seeded alike draw the same message ids: what two starts of `emulator serve` on
  // one data dir did before each start drew its own stream. The store keeps both messages.
  const auto path = std::filesystem::temp_directory_path() / "emu_sqs_repeat_test.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  Storage storage(path.string(), "NORMAL");
  std::string first_id;
  {
    auto sqs = make(&storage);
    Queue& q = **sqs.create_queue("q", {}, 0);
    first_id = sqs.send(q, "before the restart", -1, {}, 0)->message_id;
    storage.commit();
  }
  auto sqs = make(&storage);  // the same seed: its first draw is first_id again
  Queue& q = **sqs.queue("q");
  std::vector<std::string> announced;
  sqs.on_send([&](const Queue& queue, Micros) { announced.push_back(queue.name()); });
  const auto second = sqs.send(q, "after the restart", -1, {}, seconds(1));
  REQUIRE(second.ok());
  CHECK(second->message_id != first_id);
  CHECK(announced == std::vector<std::string>{"q"});
  CHECK(q.size() == 2);
  auto received = sqs.receive(q, 10, -1, seconds(2));
  REQUIRE(received.ok());
  std::vector<std::string> bodies;
  for (const auto& r : *received) bodies.push_back(r.message->body);
  CHECK(bodies == std::vector<std::string>{"before the restart", "after the restart"});
}
