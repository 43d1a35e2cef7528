#include <doctest/doctest.h>

#include "emulator/ledger/ledger.h"

using emu::ledger::Ledger;

TEST_CASE("a clean flow balances and reports nothing lost") {
  Ledger l;
  l.request_answered("created", 200);
  l.raw_item_stored(5);
  l.records_delivered(1, 5, false);
  l.entries_skipped("ExposureNotificationCheck", 1);
  l.entries_aggregated(4);
  l.update_applied(3);
  l.update_sent_to_dlq(1);
  CHECK(l.entries_in_dlq() == 1);
  auto report = l.report(3);
  CHECK(report["invariant_holds"] == true);
  CHECK(report["nothing_lost"] == false);  // one entry still in the DLQ
  CHECK(report["verdict"] == "holds, with entries still in flight");
  l.retry_applied(1);
  report = l.report(4);
  CHECK(report["invariant_holds"] == true);
  CHECK(report["nothing_lost"] == true);
  CHECK(report["entries"]["skipped_by_reason"]["ExposureNotificationCheck"] == 1);
  CHECK(report["requests"]["by_status"]["200"] == 1);
}

TEST_CASE("named losses keep the invariant but are reported") {
  Ledger l;
  l.raw_item_stored(2);
  l.records_delivered(1, 2, false);
  l.entries_aggregated(2);
  l.update_sent_to_dlq(2);
  l.entries_lost("dlq:send-failed (NaN DelaySeconds)", 2);
  const auto report = l.report(0);
  CHECK(report["invariant_holds"] == true);
  CHECK(report["entries"]["lost"] == 2);
  CHECK(report["verdict"] == "holds, with named losses");
  CHECK(l.entries_in_dlq() == 0);
}

TEST_CASE("a table that disagrees with the accounting violates the invariant") {
  Ledger l;
  l.raw_item_stored(3);
  l.records_delivered(1, 3, false);
  l.entries_aggregated(3);
  l.update_applied(3);
  CHECK(l.report(3)["invariant_holds"] == true);
  CHECK(l.report(2)["invariant_holds"] == false);   // an update vanished
  CHECK(l.report(4)["invariant_holds"] == false);   // counted twice with no reason
  // A batch re-delivered after a function timeout is aggregated and applied a second time.
  l.records_delivered(1, 3, true);
  l.entries_aggregated(3);
  l.update_applied(3);
  const auto report = l.report(6);
  CHECK(report["invariant_holds"] == true);
  CHECK(report["verdict"] == "holds, with entries counted twice by at-least-once redelivery (stream or DLQ)");
  CHECK_FALSE(l.nothing_lost(6));
}

TEST_CASE("entries stored but not yet streamed are in flight") {
  Ledger l;
  l.raw_item_stored(7);
  CHECK(l.entries_awaiting_delivery() == 7);
  CHECK(l.report(0)["verdict"] == "holds, with entries still in flight");
}

TEST_CASE("a DLQ update applied twice by a failed retry batch is a named duplicate") {
  Ledger l;
  l.raw_item_stored(3);
  l.records_delivered(1, 3, false);
  l.entries_aggregated(3);
  l.update_sent_to_dlq(3);
  l.retry_applied(3);        // applied, then the invocation failed later in the batch
  l.retry_applied_again(3);  // the redelivered batch applies it again
  auto report = l.report(6);
  CHECK(report["invariant_holds"] == true);
  CHECK(report["nothing_lost"] == false);
  CHECK(report["entries"]["applied_again_by_retry_duplicates"] == 3);
  CHECK(report["verdict"] == "holds, with entries counted twice by at-least-once redelivery (stream or DLQ)");
  CHECK(l.report(3)["invariant_holds"] == false);  // a table without the duplicate disagrees
}

TEST_CASE("a restored ledger reports exactly what the saved one did, and goes on counting") {
  Ledger l;
  l.request_answered("created", 200);
  l.request_answered("lambda:throttled", 500);
  l.raw_item_stored(5);
  l.records_delivered(1, 5, false);
  l.entries_skipped("ExposureNotificationCheck", 1);
  l.entries_aggregated(4);
  l.update_applied(3);
  l.update_sent_to_dlq(1);
  l.retry_requeued_again(1);
  const auto saved = l.save();
  Ledger restored;
  const auto before = restored.version();
  restored.restore(nlohmann::json::parse(saved.dump()));
  CHECK(restored.version() != before);
  CHECK(restored.report(3) == l.report(3));
  restored.retry_applied(1);
  l.retry_applied(1);
  CHECK(restored.report(4) == l.report(4));
  CHECK_THROWS_AS(restored.restore(nlohmann::json{{"totals", 5}}), std::invalid_argument);
}

TEST_CASE("a copy made by a failed invocation's re-enqueue is counted as a duplicate") {
  Ledger l;
  l.raw_item_stored(2);
  l.records_delivered(1, 2, false);
  l.entries_aggregated(2);
  l.update_sent_to_dlq(2);
  l.retry_requeued_again(2);  // the original stays and a copy joins it
  CHECK(l.entries_in_dlq() == 4);
  auto report = l.report(0);
  CHECK(report["invariant_holds"] == true);
  CHECK(report["nothing_lost"] == false);
  l.retry_applied(2);
  l.retry_applied(2);  // both applied: the table holds the entries twice
  report = l.report(4);
  CHECK(report["invariant_holds"] == true);
  CHECK(report["entries"]["requeued_again_duplicates"] == 2);
  CHECK(report["verdict"] ==
        "holds, with entries counted twice by at-least-once redelivery (stream or DLQ)");
}
