#pragma once
// Passing errors up without a ladder of `if (!x) return fail(x.error());`:
//   TRY(write_journal(record));               // a Result<void>: returns its error from the enclosing function
//   TRY_ASSIGN(auto site, load_site(path));   // a Result<T>: declares `site` from its value, or returns the error
// The enclosing function returns a Result<U> (any U). GCC and Clang statement expressions are not needed: the
// macros expand to plain statements.

#include "engine/model/error.hpp"

#define TRUSTCTL_CONCAT_INNER(a, b) a##b
#define TRUSTCTL_CONCAT(a, b) TRUSTCTL_CONCAT_INNER(a, b)

#define TRY(expression)                                               \
  do {                                                                \
    auto&& trustctl_try_result = (expression);                        \
    if (!trustctl_try_result) return ::trustctl::fail(std::move(trustctl_try_result).error()); \
  } while (false)

#define TRUSTCTL_TRY_ASSIGN_IMPL(holder, declaration, expression)      \
  auto holder = (expression);                                          \
  if (!holder) return ::trustctl::fail(std::move(holder).error());     \
  declaration = std::move(*holder)

#define TRY_ASSIGN(declaration, expression) \
  TRUSTCTL_TRY_ASSIGN_IMPL(TRUSTCTL_CONCAT(trustctl_try_holder_, __LINE__), declaration, expression)
