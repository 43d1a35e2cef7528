#!/usr/bin/env python3
"""Which tables and indexes a data dir's WAL frames belong to, per commit.

Usage: wal_pages.py DATA_DIR [COMMITS]

Reads DATA_DIR/emulator.db-wal as SQLite's WAL format lays it out (a 32-byte header, then
frames of a 24-byte header and one page; a frame whose header holds a database size ends a
commit), maps each frame's page number to its b-tree with SQLite's dbstat table on a copy of
the database, and prints the average frames per commit by b-tree over the last COMMITS
commits (default 500). Take the data dir of an `emulator serve` stopped with SIGKILL under
load (bench/ingest/README or docs/memory.md), so that the WAL still holds the last commits.
"""
import collections
import os
import shutil
import sqlite3
import struct
import sys
import tempfile


def read_frames(wal_path):
    with open(wal_path, "rb") as f:
        wal = f.read()
    if len(wal) < 32:
        return []
    page_size = struct.unpack(">I", wal[8:12])[0]
    salts = wal[16:24]
    frames, offset = [], 32
    while offset + 24 + page_size <= len(wal):
        page, db_size = struct.unpack(">II", wal[offset:offset + 8])
        if wal[offset + 8:offset + 16] != salts:
            break  # frames of an earlier generation of the file
        frames.append((page, db_size))
        offset += 24 + page_size
    return frames


def page_owners(data_dir):
    with tempfile.TemporaryDirectory() as copy:
        for name in ("emulator.db", "emulator.db-wal"):
            shutil.copy(os.path.join(data_dir, name), os.path.join(copy, name))
        db = sqlite3.connect(os.path.join(copy, "emulator.db"))
        owners = dict((page, name) for name, page in db.execute("SELECT name, pageno FROM dbstat"))
        db.close()
    return owners


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    data_dir = sys.argv[1]
    last = int(sys.argv[2]) if len(sys.argv) == 3 else 500
    frames = read_frames(os.path.join(data_dir, "emulator.db-wal"))
    commits, current = [], []
    for page, db_size in frames:
        current.append(page)
        if db_size:
            commits.append(current)
            current = []
    if not commits:
        sys.exit("no complete commit in the WAL")
    owners = page_owners(data_dir)
    counted = commits[-last:]
    by_tree = collections.Counter(owners.get(p, "(free or new)") for c in counted for p in c)
    print(f"{len(frames)} frames, {len(commits)} commits; last {len(counted)} commits: "
          f"{sum(len(c) for c in counted) / len(counted):.1f} frames per commit")
    for name, n in by_tree.most_common():
        print(f"  {name:32} {n / len(counted):6.2f}")


if __name__ == "__main__":
    main()
