#include "engine/config/secrets.hpp"

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

namespace trustctl::config {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSecret = "s3cret-Value";

class SecretTest : public ::testing::Test {
 protected:
  ~SecretTest() override { ::unsetenv(kVariable); }

  static Credentials named(const std::string& name) {
    Credentials c;
    c.name = name;
    c.username = "admin";
    c.region = SourceRegion{std::make_shared<const std::string>("site.toml"), 5, 1};
    return c;
  }
  fs::path write(const std::string& name, const std::string& text) { return m_temp.write(name, text); }

  // Failure checks shared by every source: the code, the credential set named, the secret never shown.
  static void expect_secret_error(const Result<Secret>& result, const std::string& message) {
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code, ErrorCode::secret);
    EXPECT_EQ(result.error().message, message);
    EXPECT_EQ(result.error().describe().find(kSecret), std::string::npos) << result.error().describe();
    ASSERT_TRUE(result.error().region.has_value());
    EXPECT_EQ(result.error().region->line, 5);
  }

  static constexpr const char* kVariable = "TRUSTCTL_TEST_SECRET_PASSWORD";
  trustctl::testing::TempDir m_temp{"trustctl-secrets"};
  fs::path m_dir = m_temp.path();
};

TEST_F(SecretTest, ReadsEnvironmentVariable) {
  Credentials c = named("os-admin");
  c.password_env = kVariable;
  ::setenv(kVariable, kSecret, 1);
  auto secret = resolve_credentials(c);
  ASSERT_TRUE(secret.has_value()) << secret.error().message;
  EXPECT_EQ(secret->username, "admin");
  EXPECT_EQ(secret->password, kSecret);
}

TEST_F(SecretTest, UnsetEnvironmentVariableNamesVariableAndSet) {
  Credentials c = named("os-admin");
  c.password_env = kVariable;
  ::unsetenv(kVariable);
  expect_secret_error(resolve_credentials(c), std::string("credentials 'os-admin': environment variable ") + kVariable +
                                                  " is not set; export it or use password_file");
}

TEST_F(SecretTest, EmptyEnvironmentVariableIsAnError) {
  Credentials c = named("os-admin");
  c.password_env = kVariable;
  ::setenv(kVariable, "", 1);
  expect_secret_error(resolve_credentials(c), std::string("credentials 'os-admin': environment variable ") + kVariable +
                                                  " is empty; export it or use password_file");
}

TEST_F(SecretTest, ReadsFileWithoutTrailingNewlines) {
  Credentials c = named("app");
  c.password_file = write("pw", std::string(kSecret) + "\n\n");
  auto secret = resolve_credentials(c);
  ASSERT_TRUE(secret.has_value()) << secret.error().message;
  EXPECT_EQ(secret->password, kSecret);
}

TEST_F(SecretTest, KeepsInnerWhitespaceOfFile) {
  Credentials c = named("app");
  c.password_file = write("pw", " a b \r\n");
  auto secret = resolve_credentials(c);
  ASSERT_TRUE(secret.has_value()) << secret.error().message;
  EXPECT_EQ(secret->password, " a b ");
}

TEST_F(SecretTest, MissingFileNamesThePath) {
  Credentials c = named("app");
  c.password_file = m_dir / "missing";
  expect_secret_error(resolve_credentials(c), "credentials 'app': cannot read password file " +
                                                  (m_dir / "missing").string() + " (No such file or directory)");
}

TEST_F(SecretTest, EmptyFileIsAnError) {
  Credentials c = named("app");
  c.password_file = write("pw", "\n");
  expect_secret_error(resolve_credentials(c),
                      "credentials 'app': password file " + (m_dir / "pw").string() + " is empty");
}

TEST_F(SecretTest, RunsCommandWithoutShell) {
  Credentials c = named("vault");
  // A shell would expand $HOME and split on ';': printf receives the text as one argument instead.
  c.password_command = {"printf", "%s\\nsecond line\\n", "s3cret;$HOME"};
  auto secret = resolve_credentials(c);
  ASSERT_TRUE(secret.has_value()) << secret.error().message;
  EXPECT_EQ(secret->password, "s3cret;$HOME");
}

TEST_F(SecretTest, RunsSimpleCommand) {
  Credentials c = named("vault");
  c.password_command = {"printf", kSecret};
  auto secret = resolve_credentials(c);
  ASSERT_TRUE(secret.has_value()) << secret.error().message;
  EXPECT_EQ(secret->password, kSecret);
}

TEST_F(SecretTest, FailingCommandNamesProgramButNotOutput) {
  Credentials c = named("vault");
  c.password_command = {"sh", "-c", std::string("echo ") + kSecret + "; exit 3"};
  expect_secret_error(resolve_credentials(c), "credentials 'vault': password_command 'sh' failed with exit status 3");
}

TEST_F(SecretTest, MissingProgramIsAnError) {
  Credentials c = named("vault");
  c.password_command = {"trustctl-no-such-program", "x"};
  expect_secret_error(resolve_credentials(c),
                      "credentials 'vault': password_command 'trustctl-no-such-program' could not be run: not found "
                      "in PATH");
}

TEST_F(SecretTest, MissingProgramGivenByPathIsAnError) {
  Credentials c = named("vault");
  c.password_command = {(m_dir / "nope").string()};
  expect_secret_error(resolve_credentials(c), "credentials 'vault': password_command '" + (m_dir / "nope").string() +
                                                  "' could not be run: not found");
}

TEST_F(SecretTest, CommandWithoutOutputIsAnError) {
  Credentials c = named("vault");
  c.password_command = {"true"};
  expect_secret_error(resolve_credentials(c), "credentials 'vault': password_command 'true' printed no password");
}

TEST_F(SecretTest, CredentialsWithoutSourceIsAnError) {
  expect_secret_error(resolve_credentials(named("bare")),
                      "credentials 'bare': no password source; set password_env, password_file or password_command");
}

}  // namespace
}  // namespace trustctl::config
