#include "engine/base/try.hpp"

#include <gtest/gtest.h>

namespace trustctl {
namespace {

Result<int> number(bool ok) {
  if (!ok) return fail(ErrorCode::io, "no number");
  return 7;
}
Result<void> check(bool ok) {
  if (!ok) return fail(ErrorCode::protocol, "check failed");
  return {};
}

Result<std::string> combine(bool first, bool second) {
  TRY(check(first));
  TRY_ASSIGN(int n, number(second));
  TRY_ASSIGN(const int twice, number(true));
  return std::to_string(n + twice);
}

TEST(Try, PassesTheFirstErrorUpAndValuesThrough) {
  EXPECT_EQ(*combine(true, true), "14");
  auto a = combine(false, true);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, ErrorCode::protocol);
  auto b = combine(true, false);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().message, "no number");
}

}  // namespace
}  // namespace trustctl
