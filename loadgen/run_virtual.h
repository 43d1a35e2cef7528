// `loadgen run` without --target: the whole pipeline in process on the virtual clock, driven
// directly (no sockets), as fast as the CPU allows. Each planned send becomes an HttpRequest
// handed to the same router `emulator serve` uses at its planned time; its modelled latency is
// the answer's delay. The pipeline's state (ledger, alarm timelines, Lambda throttles) joins
// the figures. Same scenario and seed -> the same digest.
#pragma once

#include <string>

#include "loadgen/outcome.h"
#include "loadgen/scenario.h"

namespace loadgen {

struct VirtualRunOptions {
  std::string out_dir;   // the pipeline's data dir goes to <out_dir>/data
  bool progress = false; // a live progress line on stderr (progress.h)
};

Outcome run_virtual(const Scenario& scenario, Recorder& recorder, const VirtualRunOptions& options);

// Whether a client counts an answer as delivered (otherwise it resends its queue later):
// JS batches and Android accept any 2xx, iOS native sends only 200 (spec section 10).
bool client_accepts(ClientKind kind, int status);

}  // namespace loadgen
