#include "emulator/sqs/persist.h"

#include <nlohmann/json.hpp>

#include "emulator/core/durable_state.h"
#include "emulator/http/aws_wire.h"

namespace emu::sqs {

namespace {

nlohmann::json attributes_json(const QueueAttributes& a) {
  return {{"visibility_timeout", a.visibility_timeout},
          {"message_retention_period", a.message_retention_period},
          {"delay_seconds", a.delay_seconds},
          {"receive_message_wait_time_seconds", a.receive_message_wait_time_seconds},
          {"maximum_message_size", a.maximum_message_size},
          {"redrive_target_arn", a.redrive_target_arn},
          {"max_receive_count", a.max_receive_count}};
}

QueueAttributes attributes_from(const nlohmann::json& j) {
  QueueAttributes a;
  a.visibility_timeout = j.value("visibility_timeout", a.visibility_timeout);
  a.message_retention_period = j.value("message_retention_period", a.message_retention_period);
  a.delay_seconds = j.value("delay_seconds", a.delay_seconds);
  a.receive_message_wait_time_seconds =
      j.value("receive_message_wait_time_seconds", a.receive_message_wait_time_seconds);
  a.maximum_message_size = j.value("maximum_message_size", a.maximum_message_size);
  a.redrive_target_arn = j.value("redrive_target_arn", std::string());
  a.max_receive_count = j.value("max_receive_count", std::int64_t{0});
  return a;
}

std::string message_attributes_text(const MessageAttributes& attributes) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, v] : attributes) {
    j[name] = {v.data_type, v.string_value, http::base64_encode(v.binary_value)};
  }
  return j.dump();
}

MessageAttributes message_attributes_from(const std::string& text) {
  MessageAttributes out;
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return out;
  for (const auto& [name, v] : j.items()) {
    out[name] = MessageAttributeValue{v[0].get<std::string>(), v[1].get<std::string>(),
                                      http::base64_decode(v[2].get<std::string>()).value_or("")};
  }
  return out;
}

}  // namespace

SqsModel::Persistence::Persistence(Storage& storage) : storage_(storage) {
  auto& db = storage_.db();
  db.exec(
      "CREATE TABLE IF NOT EXISTS sqs_queues (name TEXT PRIMARY KEY, arn TEXT NOT NULL, "
      "attributes TEXT NOT NULL, created INTEGER NOT NULL, modified INTEGER NOT NULL);"
      "CREATE TABLE IF NOT EXISTS sqs_messages (queue TEXT NOT NULL, id TEXT NOT NULL, "
      "body TEXT NOT NULL, attributes TEXT NOT NULL, sent_at INTEGER NOT NULL, "
      "visible_at INTEGER NOT NULL, first_received_at INTEGER NOT NULL, "
      "receive_count INTEGER NOT NULL, sequence INTEGER NOT NULL, handle TEXT NOT NULL, "
      "PRIMARY KEY (queue, id));");
  save_message_ = std::make_unique<SQLite::Statement>(
      db, "INSERT OR REPLACE INTO sqs_messages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  delete_message_ = std::make_unique<SQLite::Statement>(
      db, "DELETE FROM sqs_messages WHERE queue = ? AND id = ?");
}

std::vector<std::unique_ptr<Queue>> SqsModel::Persistence::load_queues() {
  std::vector<std::unique_ptr<Queue>> out;
  SQLite::Statement st(storage_.db(),
                       "SELECT name, arn, attributes, created, modified FROM sqs_queues");
  while (st.executeStep()) {
    auto q = std::make_unique<Queue>(
        st.getColumn(0).getString(), st.getColumn(1).getString(),
        attributes_from(nlohmann::json::parse(st.getColumn(2).getString(), nullptr, false)),
        st.getColumn(3).getInt64());
    out.push_back(std::move(q));
  }
  return out;
}

void SqsModel::Persistence::load_messages(Queue& queue) {
  SQLite::Statement st(storage_.db(),
                       "SELECT id, body, attributes, sent_at, visible_at, first_received_at, "
                       "receive_count, sequence, handle FROM sqs_messages WHERE queue = ? "
                       "ORDER BY sequence");
  st.bind(1, queue.name());
  while (st.executeStep()) {
    Message m;
    m.id = st.getColumn(0).getString();
    m.body = st.getColumn(1).getString();
    m.attributes = message_attributes_from(st.getColumn(2).getString());
    m.sent_at = st.getColumn(3).getInt64();
    m.visible_at = st.getColumn(4).getInt64();
    m.first_received_at = st.getColumn(5).getInt64();
    m.receive_count = st.getColumn(6).getInt64();
    m.sequence = static_cast<std::uint64_t>(st.getColumn(7).getInt64());
    m.receipt_handle = st.getColumn(8).getString();
    const std::string id = m.id;
    if (queue.add(std::move(m)) == nullptr) {
      throw DataDirError("sqs_messages holds message " + id + " of queue " + queue.name() +
                         " twice");
    }
  }
}

void SqsModel::Persistence::save_queue(const Queue& queue) {
  storage_.ensure_transaction();
  SQLite::Statement st(storage_.db(), "INSERT OR REPLACE INTO sqs_queues VALUES (?, ?, ?, ?, ?)");
  st.bind(1, queue.name());
  st.bind(2, queue.arn());
  st.bind(3, attributes_json(queue.attributes()).dump());
  st.bind(4, static_cast<std::int64_t>(queue.created_at()));
  st.bind(5, static_cast<std::int64_t>(queue.modified_at()));
  st.exec();
}

void SqsModel::Persistence::delete_queue(const std::string& name) {
  storage_.ensure_transaction();
  SQLite::Statement st(storage_.db(), "DELETE FROM sqs_queues WHERE name = ?");
  st.bind(1, name);
  st.exec();
  delete_messages(name);
}

void SqsModel::Persistence::save_message(const std::string& queue, const Message& m) {
  storage_.ensure_transaction();
  auto& st = *save_message_;
  st.reset();
  st.bind(1, queue);
  st.bind(2, m.id);
  st.bind(3, m.body);
  st.bind(4, message_attributes_text(m.attributes));
  st.bind(5, static_cast<std::int64_t>(m.sent_at));
  st.bind(6, static_cast<std::int64_t>(m.visible_at));
  st.bind(7, static_cast<std::int64_t>(m.first_received_at));
  st.bind(8, m.receive_count);
  st.bind(9, static_cast<std::int64_t>(m.sequence));
  st.bind(10, m.receipt_handle);
  st.exec();
}

void SqsModel::Persistence::delete_message(const std::string& queue, const std::string& id) {
  storage_.ensure_transaction();
  auto& st = *delete_message_;
  st.reset();
  st.bind(1, queue);
  st.bind(2, id);
  st.exec();
}

void SqsModel::Persistence::delete_messages(const std::string& queue) {
  storage_.ensure_transaction();
  SQLite::Statement st(storage_.db(), "DELETE FROM sqs_messages WHERE queue = ?");
  st.bind(1, queue);
  st.exec();
}

void SqsModel::Persistence::delete_expired(const Queue& queue, Micros now) {
  storage_.ensure_transaction();
  SQLite::Statement st(storage_.db(), "DELETE FROM sqs_messages WHERE queue = ? AND sent_at <= ?");
  st.bind(1, queue.name());
  st.bind(2, static_cast<std::int64_t>(
                 now - seconds(static_cast<double>(queue.attributes().message_retention_period))));
  st.exec();
}

}  // namespace emu::sqs
