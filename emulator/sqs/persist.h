// SQLite persistence of queues and messages (tables sqs_queues, sqs_messages). Every change is
// written through inside the simulation loop's group-commit transaction, so a message whose
// SendMessage was acknowledged survives kill -9.
#pragma once

#include <memory>
#include <vector>

#include <SQLiteCpp/Statement.h>

#include "emulator/core/storage.h"
#include "emulator/sqs/model.h"

namespace emu::sqs {

class SqsModel::Persistence {
 public:
  explicit Persistence(Storage& storage);
  std::vector<std::unique_ptr<Queue>> load_queues();
  void load_messages(Queue& queue);
  void save_queue(const Queue& queue);
  void delete_queue(const std::string& name);
  void save_message(const std::string& queue, const Message& message);
  void delete_message(const std::string& queue, const std::string& id);
  void delete_messages(const std::string& queue);
  // Removes rows of messages the queue no longer holds after a retention sweep.
  void delete_expired(const Queue& queue, Micros now);

 private:
  Storage& storage_;
  std::unique_ptr<SQLite::Statement> save_message_;
  std::unique_ptr<SQLite::Statement> delete_message_;
};

}  // namespace emu::sqs
