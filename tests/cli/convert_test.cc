// `slokit convert` end to end: the OpenSLO and Sloth examples convert to specs that
// `slokit validate` accepts and `slokit rules` compiles to rules `promtool check rules` accepts;
// input that cannot be converted exits 2 with an error naming file, line and field.
#include <gtest/gtest.h>

#include <string>

#include "cli/slokit_runner.h"

namespace {

using slokit::testing::Result;

class ConvertTest : public slokit::testing::SlokitTest {
 protected:
  static std::string Example(const std::string& name) {
    return std::string(SLOKIT_SOURCE_DIR) + "/examples/import/" + name;
  }
};

TEST_F(ConvertTest, ExamplesValidateAndCompileToRulesPromtoolAccepts) {
  bool promtool = Run("promtool --version").code == 0;
  for (const char* name : {"openslo-chat.yaml", "sloth-chat.yaml"}) {
    SCOPED_TRACE(name);
    std::string out = std::string(name) + ".slokit.yaml";
    Result r = Slokit("convert " + Example(name) + " -o " + out);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.err.find("wrote " + out), std::string::npos) << r.err;
    r = Slokit("validate " + out);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("service chat-api"), std::string::npos) << r.out;
    r = Slokit("rules " + out + " -o rules.yaml");
    ASSERT_EQ(r.code, 0) << r.err;
    std::string rules = Slurp((dir_ / "rules.yaml").string());
    EXPECT_NE(rules.find("ErrorBudgetBurn"), std::string::npos);
    if (!promtool) continue;
    r = Run("promtool check rules rules.yaml");
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("SUCCESS"), std::string::npos) << r.out;
  }
  if (!promtool) GTEST_SKIP() << "promtool is not installed (Debian package prometheus): rules not checked";
}

TEST_F(ConvertTest, WritesToStdoutAndDetectsTheFormat) {
  Result auto_r = Slokit("convert " + Example("sloth-chat.yaml"));
  ASSERT_EQ(auto_r.code, 0) << auto_r.err;
  EXPECT_NE(auto_r.out.find("from Sloth prometheus/v1"), std::string::npos) << auto_r.out;
  EXPECT_NE(auto_r.out.find("histogram: gen_ai_server_time_to_first_token_seconds"), std::string::npos);
  // Dropped labels and annotations are warnings on stderr, with their place.
  EXPECT_NE(auto_r.err.find("sloth-chat.yaml:9:9: warning: labels.tier:"), std::string::npos) << auto_r.err;
  Result forced = Slokit("convert --from sloth " + Example("sloth-chat.yaml"));
  EXPECT_EQ(forced.out, auto_r.out);
  // The wrong format is refused by that format's rules.
  Result wrong = Slokit("convert --from openslo " + Example("sloth-chat.yaml"));
  EXPECT_EQ(wrong.code, 2);
  EXPECT_NE(wrong.err.find("sloth-chat.yaml:5:1: version: unknown field 'version'"), std::string::npos) << wrong.err;
}

TEST_F(ConvertTest, ErrorsNameFileLineAndField) {
  // An unsupported field.
  Write("extra.yaml", "version: prometheus/v1\nservice: s\nslos:\n  - name: a\n    objective: 99\n"
                      "    window: 28d\n    sli: {events: {error_query: 'e', total_query: 't'}}\n");
  Result r = Slokit("convert extra.yaml");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("extra.yaml:6:5: slos[0].window: unknown field 'window'"), std::string::npos) << r.err;

  // An unknown kind.
  Write("kind.yaml", "apiVersion: openslo/v1\nkind: Servise\nmetadata: {name: a}\n");
  r = Slokit("convert kind.yaml");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("kind.yaml:2:7: kind: unknown kind 'Servise' (did you mean 'Service'?)"), std::string::npos)
      << r.err;

  // A query the bindings cannot express.
  Write("query.yaml", "version: prometheus/v1\nservice: s\nslos:\n  - name: a\n    objective: 99\n"
                      "    sli:\n      events:\n        error_query: sum(rate(e_total[{{.window}}])) * 2\n"
                      "        total_query: sum(rate(t_total[{{.window}}]))\n");
  r = Slokit("convert query.yaml");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("query.yaml:8:22: slos[0].sli.events.error_query: cannot convert the query "
                       "`sum(rate(e_total[{{.window}}])) * 2`"),
            std::string::npos)
      << r.err;

  // Usage errors.
  EXPECT_EQ(Slokit("convert missing.yaml").code, 2);
  EXPECT_EQ(Slokit("convert --from nagios extra.yaml").code, 2);
  Write("taken.yaml", "x");
  r = Slokit("convert " + Example("sloth-chat.yaml") + " -o taken.yaml");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--force"), std::string::npos);
  EXPECT_EQ(Slokit("convert " + Example("sloth-chat.yaml") + " -o taken.yaml --force").code, 0);
}

TEST_F(ConvertTest, Help) {
  Result r = Slokit("convert --help");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("Exit codes"), std::string::npos);
  EXPECT_NE(r.out.find("--from"), std::string::npos);
}

}  // namespace
