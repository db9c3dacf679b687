// The WAL-batching VFS (platform/sqlite/wal_batch_vfs.hpp): a commit reaches the WAL file in one
// write, yet every other connection, a killed process and a long transaction that spills pages all
// see exactly what the default VFS would give them.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "platform/sqlite/transaction.hpp"
#include "platform/sqlite/wal_batch_vfs.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/sqlite/sqlite_test_util.hpp"

namespace storeedge::sqlite {
namespace {

using testutil::count_rows;
using testutil::exec_or_throw;
using testutil::open_db;

void insert_blobs(Database& db, int rows, int bytes) {
  for (int i = 0; i < rows; ++i)
    exec_or_throw(db, "INSERT INTO t (v) VALUES (randomblob(" + std::to_string(bytes) + "))");
}

TEST(WalBatchVfs, ACommitOfManyPagesReachesTheWalInOneWrite) {
  test::TempDir dir{"wal-batch"};
  Database db = open_db(dir / "db.sqlite");
  exec_or_throw(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB NOT NULL)");
  const WalBatchStats before = wal_batch_stats();
  auto tx = Transaction::begin(db);
  ASSERT_TRUE(tx);
  insert_blobs(db, 12, 3000);  // a page each (48 KiB): SQLite writes a header and a page per frame
  ASSERT_TRUE(tx->commit());
  const WalBatchStats after = wal_batch_stats();
  EXPECT_GE(after.sqlite_writes - before.sqlite_writes, 24);
  EXPECT_EQ(after.os_writes - before.os_writes, 1);
  EXPECT_EQ(count_rows(db, "t"), 12);
}

TEST(WalBatchVfs, TheBareReferenceWritesEachFrameAsSqliteDoes) {
  test::TempDir dir{"wal-batch"};
  OpenOptions plain;
  plain.batch_wal_writes = false;
  Database db = open_db(dir / "db.sqlite", plain);
  exec_or_throw(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB NOT NULL)");
  const WalBatchStats before = wal_batch_stats();
  insert_blobs(db, 10, 3000);
  const WalBatchStats after = wal_batch_stats();
  EXPECT_EQ(after.sqlite_writes, before.sqlite_writes);
  EXPECT_EQ(after.os_writes, before.os_writes);
  EXPECT_EQ(count_rows(db, "t"), 10);
}

// With synchronous=NORMAL SQLite does not sync at commit: the frames must still be in the file before
// the commit is published, or a reader on its own file descriptor would read what is not there.
TEST(WalBatchVfs, AnotherConnectionSeesEveryCommitAtOnceWithoutAnFsync) {
  test::TempDir dir{"wal-batch"};
  OpenOptions fast;
  fast.durable = false;
  Database writer = open_db(dir / "db.sqlite", fast);
  exec_or_throw(writer, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB NOT NULL)");
  Database reader = open_db(dir / "db.sqlite", fast);
  for (int i = 1; i <= 30; ++i) {
    auto tx = Transaction::begin(writer);
    ASSERT_TRUE(tx);
    insert_blobs(writer, 3, 1500);
    ASSERT_TRUE(tx->commit());
    ASSERT_EQ(count_rows(reader, "t"), 3 * i);
    auto sum = reader.query_one<std::int64_t>("SELECT sum(length(v)) FROM t");
    ASSERT_TRUE(sum && *sum);
    ASSERT_EQ(**sum, 3 * i * 1500);
  }
  EXPECT_TRUE(reader.integrity_check());
}

// A transaction bigger than the page cache spills frames mid-way and may rewrite them later; a
// savepoint rolled back, then the commit, must leave exactly the committed rows.
TEST(WalBatchVfs, ALongTransactionThatSpillsPagesCommitsExactlyWhatItKept) {
  test::TempDir dir{"wal-batch"};
  {
    Database db = open_db(dir / "db.sqlite");
    exec_or_throw(db, "PRAGMA cache_size=8");
    exec_or_throw(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB NOT NULL)");
    auto tx = Transaction::begin(db);
    ASSERT_TRUE(tx);
    insert_blobs(db, 2000, 700);
    exec_or_throw(db, "UPDATE t SET v = zeroblob(650) WHERE id % 7 = 0");
    exec_or_throw(db, "SAVEPOINT s");
    insert_blobs(db, 500, 700);
    exec_or_throw(db, "ROLLBACK TO s");
    exec_or_throw(db, "RELEASE s");
    ASSERT_TRUE(tx->commit());
    auto tx2 = Transaction::begin(db);
    ASSERT_TRUE(tx2);
    insert_blobs(db, 1000, 700);  // rolled back: none of it may survive
    ASSERT_TRUE(tx2->rollback());
    EXPECT_EQ(count_rows(db, "t"), 2000);
  }
  Database again = open_db(dir / "db.sqlite");
  EXPECT_EQ(count_rows(again, "t"), 2000);
  auto zeroed = again.query_one<std::int64_t>("SELECT count(*) FROM t WHERE length(v) = 650");
  ASSERT_TRUE(zeroed && *zeroed);
  EXPECT_EQ(**zeroed, 2000 / 7);
  EXPECT_TRUE(again.integrity_check());
}

// A process killed right after its commits returned loses none of them, even with
// synchronous=NORMAL (the operating system holds what was written).
TEST(WalBatchVfs, AKilledProcessKeepsEveryCommitThatReturned) {
  test::TempDir dir{"wal-batch"};
  const auto path = dir / "db.sqlite";
  {
    Database db = open_db(path);
    exec_or_throw(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB NOT NULL)");
  }
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    OpenOptions fast;
    fast.durable = false;
    auto db = Database::open(path, fast);
    if (!db) _exit(2);
    for (int i = 1; i <= 100000; ++i) {  // bounded; the parent kills it long before
      if (!db->exec("INSERT INTO t (v) VALUES (randomblob(2500))")) _exit(3);
      if (write(fds[1], &i, sizeof i) != static_cast<ssize_t>(sizeof i)) _exit(4);
    }
    _exit(0);
  }
  close(fds[1]);
  int acknowledged = 0;
  int value = 0;
  while (acknowledged < 300 && read(fds[0], &value, sizeof value) == static_cast<ssize_t>(sizeof value))
    acknowledged = value;
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  while (read(fds[0], &value, sizeof value) == static_cast<ssize_t>(sizeof value)) acknowledged = value;
  close(fds[0]);
  ASSERT_GE(acknowledged, 300);
  Database db = open_db(path);
  EXPECT_GE(count_rows(db, "t"), acknowledged);
  EXPECT_TRUE(db.integrity_check());
}

// A checkpoint copies pages in page order; the pages a growing table appended are neighbours, so
// they reach the database file in a few large writes, and the file alone (WAL gone) holds them all.
TEST(WalBatchVfs, ACheckpointWritesNeighbouringPagesTogetherAndTheDatabaseFileHoldsThemAll) {
  test::TempDir dir{"wal-batch"};
  const auto path = dir / "db.sqlite";
  OpenOptions manual;
  manual.wal_autocheckpoint_pages = 0;
  {
    Database db = open_db(path, manual);
    exec_or_throw(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB NOT NULL)");
    auto tx = Transaction::begin(db);
    ASSERT_TRUE(tx);
    insert_blobs(db, 400, 3000);  // a page each, appended at the end of the file
    ASSERT_TRUE(tx->commit());
    // As on storehub's checkpoint thread.
    struct Gathering {
      Gathering() { gather_checkpoints_on_this_thread(true); }
      ~Gathering() { gather_checkpoints_on_this_thread(false); }
    } gathering;
    const WalBatchStats before = wal_batch_stats();
    ASSERT_TRUE(db.checkpoint_passive());
    const WalBatchStats after = wal_batch_stats();
    const auto pages = after.checkpoint_sqlite_writes - before.checkpoint_sqlite_writes;
    const auto calls = after.checkpoint_os_writes - before.checkpoint_os_writes;
    EXPECT_GE(pages, 400);
    EXPECT_GT(calls, 0);
    EXPECT_LE(calls, pages / 10) << pages << " pages took " << calls << " writes";
    const auto frames = after.checkpoint_sqlite_reads - before.checkpoint_sqlite_reads;
    const auto reads = after.checkpoint_os_reads - before.checkpoint_os_reads;
    EXPECT_GE(frames, 400);
    EXPECT_GT(reads, 0);
    EXPECT_LE(reads, frames / 10) << frames << " frames took " << reads << " reads";
    EXPECT_EQ(db.wal_pending_frames(), 0);
    // Another checkpoint after more commits goes on gathering from where SQLite asks.
    insert_blobs(db, 20, 3000);
    ASSERT_TRUE(db.checkpoint_passive());
  }
  // Closing checkpointed and removed the WAL: the rows come from the database file alone.
  ASSERT_FALSE(std::filesystem::exists(path.string() + "-wal"));
  Database db = open_db(path);
  EXPECT_EQ(count_rows(db, "t"), 420);
  auto sum = db.query_one<std::int64_t>("SELECT sum(length(v)) FROM t");
  ASSERT_TRUE(sum && *sum);
  EXPECT_EQ(**sum, 420 * 3000);
  EXPECT_TRUE(db.integrity_check());
}

// A till's daemon does not gather: there a checkpoint that cannot write must fail, not stop it.
TEST(WalBatchVfs, CheckpointsGatherOnlyOnThreadsThatAskedForIt) {
  test::TempDir dir{"wal-batch"};
  OpenOptions manual;
  manual.wal_autocheckpoint_pages = 0;
  Database db = open_db(dir / "db.sqlite", manual);
  exec_or_throw(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB NOT NULL)");
  insert_blobs(db, 50, 3000);
  const WalBatchStats before = wal_batch_stats();
  ASSERT_TRUE(db.checkpoint_passive());
  const WalBatchStats after = wal_batch_stats();
  EXPECT_EQ(after.checkpoint_sqlite_writes, before.checkpoint_sqlite_writes);
  EXPECT_EQ(after.checkpoint_os_writes, before.checkpoint_os_writes);
  EXPECT_EQ(db.wal_pending_frames(), 0);
  EXPECT_EQ(count_rows(db, "t"), 50);
}

// Every row of t as hex, in id order, read by a fresh connection with a page cache too small to
// keep the table, so each page comes from the file.
std::string all_rows(const std::filesystem::path& path) {
  Database db = open_db(path);
  exec_or_throw(db, "PRAGMA cache_size = 8");
  auto rows = db.query_one<std::string>("SELECT group_concat(id || ':' || hex(v), ',') FROM t");
  if (!rows || !*rows) throw std::runtime_error("reading t failed");
  return **rows;
}

// A table of 1 KiB pages whose 1.5 KiB rows sit on neighbouring pages of the database file (as the
// outbox's payloads do on a till), checkpointed so the file holds them.
void write_checkpointed_rows(const std::filesystem::path& path, int rows) {
  OpenOptions small_pages;
  small_pages.page_size = 1024;
  Database db = open_db(path, small_pages);
  exec_or_throw(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB NOT NULL)");
  auto tx = Transaction::begin(db);
  if (!tx) throw std::runtime_error("begin failed");
  insert_blobs(db, rows, 1500);
  if (!tx->commit()) throw std::runtime_error("commit failed");
  exec_or_throw(db, "PRAGMA wal_checkpoint(TRUNCATE)");
}

// A till's relay reads a drained queue's rows from neighbouring pages: one read call per
// 64 KiB instead of one per page, and exactly the rows a plain read gives.
TEST(WalBatchVfs, ReadingAheadGetsNeighbouringPagesInOneCallAndTheSameRows) {
  test::TempDir dir{"wal-batch"};
  const auto path = dir / "db.sqlite";
  write_checkpointed_rows(path, 400);
  const WalBatchStats before = wal_batch_stats();
  const std::string plain = all_rows(path);
  const WalBatchStats between = wal_batch_stats();
  EXPECT_EQ(between.read_ahead_sqlite_reads, before.read_ahead_sqlite_reads) << "read ahead unasked";
  std::string ahead;
  {
    ReadDatabaseAhead reading;
    ahead = all_rows(path);
  }
  const WalBatchStats after = wal_batch_stats();
  EXPECT_EQ(ahead, plain);
  EXPECT_EQ(std::count(plain.begin(), plain.end(), ','), 399);
  const auto pages = after.read_ahead_sqlite_reads - between.read_ahead_sqlite_reads;
  const auto calls = after.read_ahead_os_reads - between.read_ahead_os_reads;
  EXPECT_GE(pages, 550) << "400 rows of 1.5 KiB on 1 KiB pages";
  EXPECT_GT(calls, 0);
  EXPECT_LE(calls, pages / 10) << pages << " pages took " << calls << " reads";
}

// Rows changed by another process, and copied into the database file by its checkpoint, between
// two transactions of a connection reading ahead: the second transaction reads the new rows, never
// what its window held from the first.
TEST(WalBatchVfs, AReadAheadWindowNeverOutlivesItsTransaction) {
  test::TempDir dir{"wal-batch"};
  const auto path = dir / "db.sqlite";
  write_checkpointed_rows(path, 200);
  ReadDatabaseAhead reading;
  Database db = open_db(path);
  exec_or_throw(db, "PRAGMA cache_size = 8");
  // The first rows' pages, through a window that also holds the pages after them.
  auto first = db.query_one<std::int64_t>("SELECT count(*) FROM t WHERE id <= 20 AND v <> zeroblob(1500)");
  ASSERT_TRUE(first && *first);
  EXPECT_EQ(**first, 20);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {  // its own process: nothing it writes touches the parent's counters
    read_database_ahead_on_this_thread(false);
    auto other = Database::open(path);
    if (!other) _exit(2);
    if (!other->exec("UPDATE t SET v = zeroblob(1500) WHERE id <= 20")) _exit(3);
    if (!other->exec("PRAGMA wal_checkpoint(TRUNCATE)")) _exit(4);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the other process failed: " << status;
  auto stmt = db.prepare("SELECT sum(length(v)), sum(v = zeroblob(1500)) FROM t WHERE id <= 20");
  ASSERT_TRUE(stmt);
  auto row = stmt->step();
  ASSERT_TRUE(row && *row);
  EXPECT_EQ(stmt->get<std::int64_t>(0), 20 * 1500);
  EXPECT_EQ(stmt->get<std::int64_t>(1), 20) << "rows read from before the other process wrote";
  EXPECT_TRUE(db.integrity_check());
}

}  // namespace
}  // namespace storeedge::sqlite
