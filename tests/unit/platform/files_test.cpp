#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "platform/atomic_file.hpp"
#include "platform/dir_lock.hpp"
#include "tests/support/temp_dir.hpp"

namespace storeedge {
namespace {

std::size_t entries(const std::filesystem::path& dir) {
  return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(dir), {}));
}

TEST(AtomicFile, ReplacesContentAndLeavesNoTempFile) {
  test::TempDir dir;
  const auto path = dir / "node.key";
  ASSERT_TRUE(write_file_atomically(path, "first"));
  ASSERT_TRUE(write_file_atomically(path, "second", 0600));
  EXPECT_EQ(*read_file(path), "second");
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_EQ(entries(dir.path()), 1u);
}

TEST(AtomicFile, FailureKeepsTheOldContentAndCleansUp) {
  test::TempDir dir;
  const auto target = dir / "config.toml";
  std::filesystem::create_directory(target);  // rename of a file over a directory fails
  auto s = write_file_atomically(target, "new");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind(), Errc::io);
  EXPECT_NE(s.error().what().find("config.toml"), std::string::npos);
  EXPECT_TRUE(std::filesystem::is_directory(target));
  EXPECT_EQ(entries(dir.path()), 1u) << "temporary file left behind";
}

TEST(AtomicFile, MissingDirectoryIsAnIoError) {
  test::TempDir dir;
  auto s = write_file_atomically(dir / "missing" / "x", "data");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind(), Errc::io);
}

TEST(DirLock, SecondHolderIsRefusedWithThePidOfTheFirst) {
  test::TempDir dir;
  auto first = DirLock::acquire(dir.path());
  ASSERT_TRUE(first) << first.error().what();
  auto second = DirLock::acquire(dir.path());
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().kind(), Errc::busy);
  EXPECT_NE(second.error().what().find("pid " + std::to_string(getpid())), std::string::npos)
      << second.error().what();
}

TEST(DirLock, ReleasedWhenTheHolderDies) {
  test::TempDir dir;
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto lock = DirLock::acquire(dir.path());
    char c = lock ? '1' : '0';
    (void)!write(ready[1], &c, 1);
    pause();  // killed by the parent while holding the lock
    _exit(0);
  }
  char c = 0;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  ASSERT_EQ(c, '1');
  EXPECT_FALSE(DirLock::acquire(dir.path()));
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(DirLock::acquire(dir.path()));
  close(ready[0]);
  close(ready[1]);
}

TEST(DirLock, ReleasedOnDestruction) {
  test::TempDir dir;
  {
    auto lock = DirLock::acquire(dir.path());
    ASSERT_TRUE(lock);
  }
  EXPECT_TRUE(DirLock::acquire(dir.path()));
}

}  // namespace
}  // namespace storeedge
