#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "emulator/core/scheduler.h"

using namespace emu;

TEST_CASE("events run in due-time order, ties in scheduling order") {
  VirtualClock clock(1000);
  Scheduler scheduler(clock);
  std::vector<std::string> log;
  scheduler.at(3000, [&] { log.push_back("c@" + std::to_string(clock.now())); });
  scheduler.at(2000, [&] { log.push_back("a@" + std::to_string(clock.now())); });
  scheduler.at(2000, [&] { log.push_back("b@" + std::to_string(clock.now())); });
  CHECK(scheduler.pending() == 3);
  CHECK(*scheduler.next_due() == 2000);
  CHECK(scheduler.run_until(10000) == 3);
  CHECK(log == std::vector<std::string>{"a@2000", "b@2000", "c@3000"});
  CHECK(clock.now() == 10000);  // left at the target, not at the last event
}

TEST_CASE("run_until stops at the target and includes events due exactly then") {
  VirtualClock clock(0);
  Scheduler scheduler(clock);
  int ran = 0;
  scheduler.at(500, [&] { ++ran; });
  scheduler.at(501, [&] { ++ran; });
  CHECK(scheduler.run_until(500) == 1);
  CHECK(ran == 1);
  CHECK(clock.now() == 500);
  CHECK(scheduler.pending() == 1);
}

TEST_CASE("events scheduled by events run in the same sweep when due") {
  VirtualClock clock(0);
  Scheduler scheduler(clock);
  std::vector<Micros> at;
  scheduler.at(10, [&] {
    at.push_back(clock.now());
    scheduler.after(5, [&] { at.push_back(clock.now()); });
    scheduler.after(0, [&] { at.push_back(clock.now()); });
  });
  scheduler.run_until(100);
  CHECK(at == std::vector<Micros>{10, 10, 15});
}

TEST_CASE("past due times are clamped to now; cancelled events never run") {
  VirtualClock clock(1000);
  Scheduler scheduler(clock);
  bool cancelled_ran = false;
  Micros seen = 0;
  scheduler.at(5, [&] { seen = clock.now(); });
  const EventId id = scheduler.at(2000, [&] { cancelled_ran = true; });
  CHECK(scheduler.cancel(id));
  CHECK_FALSE(scheduler.cancel(id));
  CHECK(scheduler.pending() == 1);
  CHECK(scheduler.run_next());
  CHECK(seen == 1000);
  CHECK_FALSE(scheduler.run_next());
  CHECK_FALSE(cancelled_ran);
  CHECK(scheduler.events_run() == 1);
}

TEST_CASE("run_due runs only what the clock has reached") {
  VirtualClock clock(0);
  Scheduler scheduler(clock);
  int ran = 0;
  scheduler.at(0, [&] { ++ran; });
  scheduler.at(10, [&] { ++ran; });
  CHECK(scheduler.run_due() == 1);
  clock.advance_to(10);
  CHECK(scheduler.run_due() == 1);
  CHECK(ran == 2);
}

TEST_CASE("run_until in slices runs the same events in the same order as in one go") {
  auto build = [](VirtualClock& clock, Scheduler& scheduler, std::vector<std::string>& log) {
    for (int i = 0; i < 5; ++i) {
      scheduler.at(100 * (i + 1), [&, i] {
        log.push_back(std::to_string(i) + "@" + std::to_string(clock.now()));
        if (i == 1) scheduler.after(50, [&] { log.push_back("x@" + std::to_string(clock.now())); });
      });
    }
    scheduler.at(100, [&] { log.push_back("tie@" + std::to_string(clock.now())); });
  };
  VirtualClock whole_clock(0);
  Scheduler whole(whole_clock);
  std::vector<std::string> whole_log;
  build(whole_clock, whole, whole_log);
  CHECK(whole.run_until(1000) == 7);

  VirtualClock sliced_clock(0);
  Scheduler sliced(sliced_clock);
  std::vector<std::string> sliced_log;
  build(sliced_clock, sliced, sliced_log);
  CHECK(sliced.run_until(1000, 2) == 2);
  CHECK(sliced_clock.now() == 100);  // stopped at the last event run, not at the target
  CHECK(sliced.run_until(1000, 2) == 2);
  CHECK(sliced_clock.now() == 250);  // not at the target: events remain
  CHECK(sliced.run_until(1000, 2) == 2);
  CHECK(sliced.run_until(1000, 2) == 1);
  CHECK(sliced_clock.now() == 1000);
  CHECK(sliced.run_until(1000, 2) == 0);
  CHECK(sliced_log == whole_log);
}
