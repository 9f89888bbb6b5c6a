#pragma once
// How the sandbox answers each test card, after the test cards of specs/finsecure-api.md.

#include <optional>
#include <string>
#include <string_view>

namespace payd::sandbox {

enum class CardBehaviour {
  succeed,          // 4242424242424242 (and any card not listed)
  decline,          // 4000000000000002 generic decline
  insufficient,     // 4000000000009995
  expired,          // 4000000000000069
  incorrect_cvc,    // 4000000000000127
  processing_error, // 4000000000000259: the answer is lost; the charge did go through
  requires_action,  // 4000002760003184: 3-D Secure style customer action
};

// Digits only; spaces and dashes in the card number are ignored.
[[nodiscard]] CardBehaviour behaviour_for(std::string_view card_number);

struct DeclineReason {
  std::string decline_code;
  std::string message;
};
[[nodiscard]] std::optional<DeclineReason> decline_reason(CardBehaviour b);

}  // namespace payd::sandbox
