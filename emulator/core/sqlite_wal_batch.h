// A thin VFS over SQLite's own ("unix") that writes each commit's WAL frames with one system
// call instead of two per page.
//
// Why: SQLite writes a WAL frame as two pwrite calls (its 24-byte header, then the page), and
// a durable-ingest commit of ~24 POSTs writes ~40 frames (each random raw_metrics key lands in
// another leaf of the key index). On the project's virtual machines a system call costs
// several microseconds (`pvm_irq_enable` on every entry), so those ~80 calls were most of
// `Storage::commit` (perf: `walWriteOneFrame` 15 % of the server's CPU under wrk -c50).
//
// The layer buffers consecutive writes to a WAL file and writes them as one pwrite when the
// commit's last frame is complete (its header carries the database size: WAL format), before
// any other operation on that file (sync, truncate, size, close, a write elsewhere) and when
// the buffer reaches 4 MiB. A write error therefore surfaces from the commit's own last xWrite,
// as SQLite expects; what a commit acknowledges is in the file (the OS's page cache) before
// the commit returns, exactly as without the layer. Frames of an open transaction can sit in
// the buffer, but nothing reads them before the commit: readers read only frames the WAL
// index says are committed. As a second guard, every read or size query of a WAL file through
// this process first writes what any connection of the same database holds buffered.
// Other files (database, journals, temporary files) are opened by the unix VFS itself, in
// place, and never pass through the layer.
//
// Thread rules: any thread; each buffered file has its own mutex, and the databases' registry
// one more (taken before a file's, never after).
#pragma once

#include <cstdint>

namespace emu::sqlite_wal_batch {

// Makes the layer SQLite's default VFS for connections opened afterwards in this process.
// Idempotent and thread-safe; returns false (connections then use the unix VFS directly) if
// SQLite has no "unix" VFS to wrap.
bool install();

// WAL bytes written, the system calls that wrote them, and the writes SQLite asked for (for
// tests and benchmarks).
struct Counts {
  std::uint64_t bytes = 0;
  std::uint64_t syscalls = 0;
  std::uint64_t writes = 0;
};
Counts counts();

}  // namespace emu::sqlite_wal_batch
