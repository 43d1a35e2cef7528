// The storage seam: before a model changes what the data dir holds, it asks here whether the
// disk takes the write. Fault rules with service "storage" decide (emulator/faults/hooks.cc):
//   "Write"        a write to emulator.db (SQLite) fails: error "IOError" or "DiskFull"
//   "Fsync"        the commit's fsync: an error fails the write as above; latency_ms is a slow
//                  fsync (the reply waits that much longer)
//   "ObjectWrite"  an S3 object's body written to its file fails
// The resource is the writer ("dynamodb", "sqs", "s3") for Write and Fsync, the bucket for
// ObjectWrite. The writer answers its caller with its service's 500 (DynamoDB
// InternalServerError, SQS InternalFailure, S3 InternalError), as AWS would on its own storage
// failure; the emulator keeps serving, and the writes after the window succeed.
// DEVIATION: the failure is decided when a write is admitted, before the model changes anything,
// not at the COMMIT that SQLite would fail: a refused write leaves no trace in memory or on disk
// and the other requests of the same group commit go ahead (a real full disk fails the whole
// batch; each of its callers would get the same 500). A slow fsync delays the reply of the
// write that drew it, not every reply of its group commit.
#pragma once

#include <string_view>

#include "emulator/core/faults.h"

namespace emu {

class DiskFaults {
 public:
  void attach(FaultInjector* injector, const Clock* clock) {
    hook_ = FaultHook(injector, clock, "storage");
  }
  void detach() { hook_ = {}; }

  // A write to emulator.db by `writer` ("dynamodb", "sqs", "s3").
  FaultDecision before_write(std::string_view writer) const {
    FaultDecision d = hook_.check("Write", writer);
    d.merge(hook_.check("Fsync", writer));
    return d;
  }
  // An S3 object body written to its file under <data_dir>/s3/<bucket>/.
  FaultDecision before_object_write(std::string_view bucket) const {
    return hook_.check("ObjectWrite", bucket);
  }

 private:
  FaultHook hook_;
};

}  // namespace emu
