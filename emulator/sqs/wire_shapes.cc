// The input shapes of the SQS operations the emulator serves, from the service model
// (botocore data/sqs/2012-11-05/service-2.json), for the JSON protocol's type checks.
#include "emulator/sqs/wire.h"

namespace emu::sqs {

namespace {

using http::Shape;

const Shape& s() { return http::string_shape(); }
const Shape& i() { return http::integer_shape(); }

const Shape& strings() {
  static const Shape shape = http::list_of(s());
  return shape;
}
const Shape& string_map() {
  static const Shape shape = http::map_of(s());
  return shape;
}
const Shape& attribute_values() {
  static const Shape blobs = http::list_of(http::blob_shape());
  static const Shape value = http::structure({{"StringValue", &s()},
                                              {"BinaryValue", &http::blob_shape()},
                                              {"StringListValues", &strings()},
                                              {"BinaryListValues", &blobs},
                                              {"DataType", &s()}});
  static const Shape shape = http::map_of(value);
  return shape;
}

}  // namespace

const http::Shape* input_shape(std::string_view operation) {
  static const Shape queue_only = http::structure({{"QueueUrl", &s()}});
  static const Shape create_queue =
      http::structure({{"QueueName", &s()}, {"Attributes", &string_map()}, {"tags", &string_map()}});
  static const Shape list_queues = http::structure(
      {{"QueueNamePrefix", &s()}, {"NextToken", &s()}, {"MaxResults", &i()}});
  static const Shape get_queue_url =
      http::structure({{"QueueName", &s()}, {"QueueOwnerAWSAccountId", &s()}});
  static const Shape get_attributes =
      http::structure({{"QueueUrl", &s()}, {"AttributeNames", &strings()}});
  static const Shape set_attributes =
      http::structure({{"QueueUrl", &s()}, {"Attributes", &string_map()}});
  static const Shape send_message = http::structure(
      {{"QueueUrl", &s()}, {"MessageBody", &s()}, {"DelaySeconds", &i()},
       {"MessageAttributes", &attribute_values()}, {"MessageSystemAttributes", &attribute_values()},
       {"MessageDeduplicationId", &s()}, {"MessageGroupId", &s()}});
  static const Shape send_entry = http::structure(
      {{"Id", &s()}, {"MessageBody", &s()}, {"DelaySeconds", &i()},
       {"MessageAttributes", &attribute_values()}, {"MessageSystemAttributes", &attribute_values()},
       {"MessageDeduplicationId", &s()}, {"MessageGroupId", &s()}});
  static const Shape send_entries = http::list_of(send_entry);
  static const Shape send_batch =
      http::structure({{"QueueUrl", &s()}, {"Entries", &send_entries}});
  static const Shape receive = http::structure(
      {{"QueueUrl", &s()}, {"AttributeNames", &strings()},
       {"MessageSystemAttributeNames", &strings()}, {"MessageAttributeNames", &strings()},
       {"MaxNumberOfMessages", &i()}, {"VisibilityTimeout", &i()}, {"WaitTimeSeconds", &i()},
       {"ReceiveRequestAttemptId", &s()}});
  static const Shape delete_message =
      http::structure({{"QueueUrl", &s()}, {"ReceiptHandle", &s()}});
  static const Shape delete_entry = http::structure({{"Id", &s()}, {"ReceiptHandle", &s()}});
  static const Shape delete_entries = http::list_of(delete_entry);
  static const Shape delete_batch =
      http::structure({{"QueueUrl", &s()}, {"Entries", &delete_entries}});
  static const Shape change_visibility = http::structure(
      {{"QueueUrl", &s()}, {"ReceiptHandle", &s()}, {"VisibilityTimeout", &i()}});
  static const Shape visibility_entry = http::structure(
      {{"Id", &s()}, {"ReceiptHandle", &s()}, {"VisibilityTimeout", &i()}});
  static const Shape visibility_entries = http::list_of(visibility_entry);
  static const Shape change_visibility_batch =
      http::structure({{"QueueUrl", &s()}, {"Entries", &visibility_entries}});

  if (operation == "CreateQueue") return &create_queue;
  if (operation == "ListQueues") return &list_queues;
  if (operation == "GetQueueUrl") return &get_queue_url;
  if (operation == "DeleteQueue" || operation == "PurgeQueue") return &queue_only;
  if (operation == "GetQueueAttributes") return &get_attributes;
  if (operation == "SetQueueAttributes") return &set_attributes;
  if (operation == "SendMessage") return &send_message;
  if (operation == "SendMessageBatch") return &send_batch;
  if (operation == "ReceiveMessage") return &receive;
  if (operation == "DeleteMessage") return &delete_message;
  if (operation == "DeleteMessageBatch") return &delete_batch;
  if (operation == "ChangeMessageVisibility") return &change_visibility;
  if (operation == "ChangeMessageVisibilityBatch") return &change_visibility_batch;
  return nullptr;
}

}  // namespace emu::sqs
