#include "emulator/ledger/ledger.h"

#include <stdexcept>
#include <type_traits>

namespace emu::ledger {

void Ledger::request_answered(const std::string& outcome, int status) {
  ++version_;
  ++totals_.requests;
  ++answers_by_outcome_[outcome];
  ++answers_by_status_[status];
}

void Ledger::raw_item_stored(std::int64_t entries) {
  ++version_;
  ++totals_.items_stored;
  totals_.entries_stored += entries;
}

void Ledger::body_dropped_to_error_samples(std::int64_t entries) {
  ++version_;
  totals_.entries_dropped_to_error_samples += entries;
}

void Ledger::records_delivered(std::int64_t items, std::int64_t entries, bool redelivery) {
  ++version_;
  if (redelivery) {
    totals_.entries_redelivered += entries;
    return;
  }
  totals_.items_delivered += items;
  totals_.entries_delivered += entries;
}

void Ledger::entries_skipped(const std::string& reason, std::int64_t entries) {
  ++version_;
  if (entries == 0) return;
  totals_.entries_skipped += entries;
  skipped_by_reason_[reason] += entries;
}

void Ledger::entries_aggregated(std::int64_t entries) {
  ++version_;
  totals_.entries_aggregated += entries;
}

void Ledger::update_applied(std::int64_t entries) {
  ++version_;
  totals_.entries_applied_directly += entries;
}

void Ledger::update_sent_to_dlq(std::int64_t entries) {
  ++version_;
  totals_.entries_sent_to_dlq += entries;
}

void Ledger::entries_lost(const std::string& reason, std::int64_t entries) {
  ++version_;
  if (entries == 0) return;
  totals_.entries_lost += entries;
  lost_by_reason_[reason] += entries;
}

void Ledger::retry_applied(std::int64_t entries) {
  ++version_;
  totals_.entries_applied_by_retry += entries;
}

void Ledger::retry_requeued(std::int64_t entries) {
  ++version_;
  totals_.entries_requeued += entries;
}

void Ledger::retry_requeued_again(std::int64_t entries) {
  ++version_;
  totals_.entries_requeued_again += entries;
}

void Ledger::retry_applied_again(std::int64_t entries) {
  ++version_;
  totals_.entries_applied_again_by_retry += entries;
}

void Ledger::raw_item_expired_undelivered(std::int64_t entries) {
  ++version_;
  totals_.entries_expired_undelivered += entries;
}

namespace {

// The totals by name, in one place for save() and restore().
template <class Totals, class F>
void for_each_total(Totals& t, F&& f) {
  f("requests", t.requests);
  f("items_stored", t.items_stored);
  f("entries_stored", t.entries_stored);
  f("entries_dropped_to_error_samples", t.entries_dropped_to_error_samples);
  f("items_delivered", t.items_delivered);
  f("entries_delivered", t.entries_delivered);
  f("entries_redelivered", t.entries_redelivered);
  f("entries_aggregated", t.entries_aggregated);
  f("entries_skipped", t.entries_skipped);
  f("entries_applied_directly", t.entries_applied_directly);
  f("entries_sent_to_dlq", t.entries_sent_to_dlq);
  f("entries_applied_by_retry", t.entries_applied_by_retry);
  f("entries_requeued", t.entries_requeued);
  f("entries_requeued_again", t.entries_requeued_again);
  f("entries_applied_again_by_retry", t.entries_applied_again_by_retry);
  f("entries_lost", t.entries_lost);
  f("entries_expired_undelivered", t.entries_expired_undelivered);
}

template <class Key>
void restore_map(const nlohmann::json& from, const char* name, std::map<Key, std::int64_t>& to) {
  to.clear();
  for (const auto& [key, n] : from.at(name).items()) {
    const auto count = n.template get<std::int64_t>();
    if constexpr (std::is_same_v<Key, int>) {
      to[std::stoi(key)] = count;
    } else {
      to[key] = count;
    }
  }
}

}  // namespace

nlohmann::json Ledger::save() const {
  nlohmann::json totals = nlohmann::json::object();
  for_each_total(totals_, [&](const char* name, std::int64_t n) { totals[name] = n; });
  nlohmann::json by_status = nlohmann::json::object();
  for (const auto& [status, n] : answers_by_status_) by_status[std::to_string(status)] = n;
  return {{"totals", totals},
          {"answers_by_outcome", answers_by_outcome_},
          {"answers_by_status", by_status},
          {"skipped_by_reason", skipped_by_reason_},
          {"lost_by_reason", lost_by_reason_}};
}

void Ledger::restore(const nlohmann::json& saved) {
  try {
    const auto& totals = saved.at("totals");
    for_each_total(totals_, [&](const char* name, std::int64_t& n) {
      // A counter added since the data dir was written starts at 0.
      n = totals.contains(name) ? totals.at(name).get<std::int64_t>() : 0;
    });
    restore_map(saved, "answers_by_outcome", answers_by_outcome_);
    restore_map(saved, "answers_by_status", answers_by_status_);
    restore_map(saved, "skipped_by_reason", skipped_by_reason_);
    restore_map(saved, "lost_by_reason", lost_by_reason_);
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string("the saved ledger is damaged: ") + e.what());
  }
  ++version_;
}

std::int64_t Ledger::entries_awaiting_delivery() const {
  return totals_.entries_stored - totals_.entries_delivered - totals_.entries_expired_undelivered;
}

std::int64_t Ledger::entries_in_dlq() const {
  // Every DLQ message ends as applied, lost, or stays; a re-enqueue replaces the message it
  // came from, so it does not add entries.
  std::int64_t lost_from_dlq = 0;
  for (const auto& [reason, n] : lost_by_reason_) {
    if (reason.rfind("dlq:", 0) == 0) lost_from_dlq += n;
  }
  // Copies made by the seed's re-enqueue in a failed invocation are extra messages.
  return totals_.entries_sent_to_dlq + totals_.entries_requeued_again -
         totals_.entries_applied_by_retry - lost_from_dlq;
}

bool Ledger::nothing_lost(std::int64_t aggregate_metric_count_sum) const {
  const auto& t = totals_;
  return t.entries_lost == 0 && t.entries_expired_undelivered == 0 &&
         entries_awaiting_delivery() == 0 && entries_in_dlq() == 0 &&
         t.entries_redelivered == 0 && t.entries_applied_again_by_retry == 0 &&
         t.entries_requeued_again == 0 &&
         t.entries_delivered == t.entries_aggregated + t.entries_skipped &&
         t.entries_aggregated == entries_applied() &&
         aggregate_metric_count_sum == entries_applied();
}

nlohmann::json Ledger::report(std::int64_t table_sum) const {
  const auto& t = totals_;
  const std::int64_t awaiting = entries_awaiting_delivery();
  const std::int64_t in_dlq = entries_in_dlq();
  // Every delivered entry is aggregated or skipped; every aggregated entry is applied, in the
  // DLQ, or lost; the table holds exactly what was applied (plus redelivered duplicates).
  const std::int64_t lost_after_aggregation = t.entries_lost;
  const bool delivery_balances =
      t.entries_delivered + t.entries_redelivered == t.entries_aggregated + t.entries_skipped;
  const bool aggregation_balances = t.entries_aggregated + t.entries_requeued_again ==
                                    entries_applied() + in_dlq + lost_after_aggregation;
  const bool table_balances = table_sum == entries_applied() + t.entries_applied_again_by_retry;
  const bool stored_balances =
      t.entries_stored == t.entries_delivered + awaiting + t.entries_expired_undelivered;
  const bool holds = delivery_balances && aggregation_balances && table_balances && stored_balances;
  std::string verdict;
  if (!holds) {
    verdict = "VIOLATED: entries are missing or counted twice without a named reason";
  } else if (t.entries_lost + t.entries_expired_undelivered > 0) {
    verdict = "holds, with named losses";
  } else if (t.entries_redelivered + t.entries_applied_again_by_retry +
                 t.entries_requeued_again > 0) {
    verdict = "holds, with entries counted twice by at-least-once redelivery (stream or DLQ)";
  } else if (awaiting + in_dlq > 0) {
    verdict = "holds, with entries still in flight";
  } else {
    verdict = "holds: every stored entry is counted exactly once in aggregates or accounted for "
              "by a named reason";
  }
  nlohmann::json by_status = nlohmann::json::object();
  for (const auto& [status, n] : answers_by_status_) by_status[std::to_string(status)] = n;
  return {
      {"requests", {{"total", t.requests}, {"by_outcome", answers_by_outcome_},
                    {"by_status", by_status}}},
      {"entries",
       {{"stored", t.entries_stored},
        {"items_stored", t.items_stored},
        {"dropped_to_error_samples", t.entries_dropped_to_error_samples},
        {"delivered", t.entries_delivered},
        {"redelivered_duplicates", t.entries_redelivered},
        {"awaiting_delivery", awaiting},
        {"aggregated", t.entries_aggregated},
        {"skipped", t.entries_skipped},
        {"skipped_by_reason", skipped_by_reason_},
        {"applied_directly", t.entries_applied_directly},
        {"sent_to_dlq", t.entries_sent_to_dlq},
        {"applied_by_retry", t.entries_applied_by_retry},
        {"requeued", t.entries_requeued},
        {"requeued_again_duplicates", t.entries_requeued_again},
        {"applied_again_by_retry_duplicates", t.entries_applied_again_by_retry},
        {"in_dlq", in_dlq},
        {"lost", t.entries_lost},
        {"lost_by_reason", lost_by_reason_},
        {"expired_undelivered", t.entries_expired_undelivered}}},
      {"aggregate_table_metric_count_sum", table_sum},
      {"checks",
       {{"stored = delivered + awaiting + expired", stored_balances},
        {"delivered + redelivered = aggregated + skipped", delivery_balances},
        {"aggregated + requeued copies = applied + in_dlq + lost", aggregation_balances},
        {"table metricCount sum = applied + retry duplicates", table_balances}}},
      {"invariant_holds", holds},
      {"nothing_lost", nothing_lost(table_sum)},
      {"verdict", verdict},
  };
}

}  // namespace emu::ledger
