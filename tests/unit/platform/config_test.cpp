#include "platform/config.hpp"

#include <fstream>

#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"

namespace storeedge {
namespace {

TEST(Config, ReadsTypedValuesAndFallsBackToDefaults) {
  auto cfg = ConfigFile::parse("[http]\nport = 8081\n[log]\nlevel = \"debug\"\n", "edge.toml");
  ASSERT_TRUE(cfg) << cfg.error().what();
  EXPECT_EQ(*cfg->integer("http.port", 8080, 0, 65535), 8081);
  EXPECT_EQ(*cfg->choice("log.level", "info", {"debug", "info"}), "debug");
  EXPECT_EQ(*cfg->string("node.store_code", "0001"), "0001");
  EXPECT_TRUE(*cfg->boolean("sync.enabled", true));
  EXPECT_TRUE(cfg->check_unknown_keys());
}

TEST(Config, MalformedFileNamesFileLineAndReason) {
  auto cfg = ConfigFile::parse("[http]\nport = = 3\n", "/etc/storeedge/edge.toml");
  ASSERT_FALSE(cfg);
  EXPECT_EQ(cfg.error().kind(), Errc::config);
  EXPECT_NE(cfg.error().what().find("/etc/storeedge/edge.toml:2:"), std::string::npos) << cfg.error().what();
}

TEST(Config, OutOfRangeValueNamesFileKeyAndReason) {
  auto cfg = ConfigFile::parse("[http]\nport = 70000\n", "edge.toml");
  ASSERT_TRUE(cfg);
  auto port = cfg->integer("http.port", 8080, 0, 65535);
  ASSERT_FALSE(port);
  EXPECT_EQ(port.error().what(), "edge.toml: http.port: must be between 0 and 65535, got 70000");
}

TEST(Config, WrongTypeIsAnError) {
  auto cfg = ConfigFile::parse("[http]\nport = \"eighty\"\n", "edge.toml");
  ASSERT_TRUE(cfg);
  auto port = cfg->integer("http.port", 8080, 0, 65535);
  ASSERT_FALSE(port);
  EXPECT_EQ(port.error().what(), "edge.toml: http.port: must be an integer");
}

TEST(Config, ChoiceListsTheAllowedValues) {
  auto cfg = ConfigFile::parse("[log]\nlevel = \"loud\"\n", "edge.toml");
  ASSERT_TRUE(cfg);
  auto level = cfg->choice("log.level", "info", {"debug", "info", "warn", "error"});
  ASSERT_FALSE(level);
  EXPECT_EQ(level.error().what(),
            "edge.toml: log.level: must be one of debug, info, warn, error, got \"loud\"");
}

TEST(Config, UnknownKeyIsReportedSoTyposAreNotIgnored) {
  auto cfg = ConfigFile::parse("[htpp]\nport = 8081\n", "edge.toml");
  ASSERT_TRUE(cfg);
  (void)cfg->integer("http.port", 8080, 0, 65535);
  auto s = cfg->check_unknown_keys();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().what(), "edge.toml: htpp.port: unknown key (see docs/configuration.md)");
}

TEST(Config, MissingFileIsAClearError) {
  test::TempDir dir;
  auto cfg = ConfigFile::load(dir / "nope.toml");
  ASSERT_FALSE(cfg);
  EXPECT_EQ(cfg.error().kind(), Errc::config);
  EXPECT_NE(cfg.error().what().find("nope.toml: configuration file not found"), std::string::npos);
}

TEST(Config, LoadsFromDisk) {
  test::TempDir dir;
  std::ofstream(dir / "edge.toml") << "[node]\nstore_code = \"0042\"\n";
  auto cfg = ConfigFile::load(dir / "edge.toml");
  ASSERT_TRUE(cfg) << cfg.error().what();
  EXPECT_EQ(*cfg->string("node.store_code", "0001"), "0042");
  EXPECT_EQ(cfg->source(), (dir / "edge.toml").string());
}

}  // namespace
}  // namespace storeedge

namespace storeedge {
namespace {

TEST(Config, StringArraysAreReadAndOtherArraysRefused) {
  auto cfg = ConfigFile::parse("[channels]\napi_keys = [\"a\", \"b\"]\n[admin]\napi_keys = [\"a\", 3]\n",
                               "hub.toml");
  ASSERT_TRUE(cfg);
  EXPECT_EQ(*cfg->strings("channels.api_keys"), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(cfg->strings("missing.keys")->empty());
  auto bad = cfg->strings("admin.api_keys");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().what(), "hub.toml: admin.api_keys: must be an array of strings");
}

}  // namespace
}  // namespace storeedge
