// The bytes of request bodies the edge may hold at once across all connections
// (server.max_buffered_body_bytes). A request reserves its body's size when its header announces
// it (a chunked body reserves as it arrives) and gives it back once the simulation loop has
// answered it: until then the body is in memory, being read, queued or handled.
// Thread-safe: the I/O threads reserve, the simulation thread usually releases.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>

namespace emu::server {

class BodyBudget : public std::enable_shared_from_this<BodyBudget> {
 public:
  explicit BodyBudget(std::size_t capacity) : capacity_(capacity) {}

  // Bytes held for one request; released when destroyed. Empty (0 bytes) by default.
  class Reservation {
   public:
    Reservation() = default;
    Reservation(Reservation&& other) noexcept
        : budget_(std::move(other.budget_)), bytes_(other.bytes_) {
      other.bytes_ = 0;
    }
    Reservation& operator=(Reservation&& other) noexcept {
      if (this != &other) {
        release();
        budget_ = std::move(other.budget_);
        bytes_ = other.bytes_;
        other.bytes_ = 0;
      }
      return *this;
    }
    ~Reservation() { release(); }

    std::size_t bytes() const { return bytes_; }
    // Holds `total` bytes in all (more than now). False, holding what it held, if the budget
    // cannot spare the difference.
    bool grow_to(std::size_t total) {
      if (total <= bytes_) return true;
      if (!budget_->take(total - bytes_)) return false;
      bytes_ = total;
      return true;
    }
    void release() {
      if (bytes_ > 0) budget_->give_back(bytes_);
      bytes_ = 0;
    }

   private:
    friend class BodyBudget;
    explicit Reservation(std::shared_ptr<BodyBudget> budget) : budget_(std::move(budget)) {}
    std::shared_ptr<BodyBudget> budget_;
    std::size_t bytes_ = 0;
  };

  // An empty reservation that can grow (the budget must be owned by a shared_ptr).
  Reservation reservation() { return Reservation(shared_from_this()); }

  std::size_t capacity() const { return capacity_; }
  std::size_t in_use() const { return in_use_.load(std::memory_order_relaxed); }

 private:
  bool take(std::size_t bytes) {
    std::size_t used = in_use_.load(std::memory_order_relaxed);
    do {
      if (bytes > capacity_ - used) return false;
    } while (!in_use_.compare_exchange_weak(used, used + bytes, std::memory_order_relaxed));
    return true;
  }
  void give_back(std::size_t bytes) { in_use_.fetch_sub(bytes, std::memory_order_relaxed); }

  const std::size_t capacity_;
  std::atomic<std::size_t> in_use_{0};
};

}  // namespace emu::server
