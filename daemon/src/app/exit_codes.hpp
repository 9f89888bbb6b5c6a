#pragma once
// Exit codes of payd's one-shot commands (admin, migrate-style subcommands): scripts tell
// "it failed" from "you called it wrong" (the usage was printed).

namespace payd::app {

inline constexpr int kOk = 0;
inline constexpr int kFailed = 1;
inline constexpr int kUsage = 2;

}  // namespace payd::app
