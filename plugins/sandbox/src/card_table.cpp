#include "card_table.hpp"

namespace payd::sandbox {

CardBehaviour behaviour_for(std::string_view card_number) {
  std::string digits;
  for (char c : card_number) {
    if (c >= '0' && c <= '9') digits += c;
  }
  if (digits == "4000000000000002") return CardBehaviour::decline;
  if (digits == "4000000000009995") return CardBehaviour::insufficient;
  if (digits == "4000000000000069") return CardBehaviour::expired;
  if (digits == "4000000000000127") return CardBehaviour::incorrect_cvc;
  if (digits == "4000000000000259") return CardBehaviour::processing_error;
  if (digits == "4000002760003184") return CardBehaviour::requires_action;
  return CardBehaviour::succeed;
}

std::optional<DeclineReason> decline_reason(CardBehaviour b) {
  switch (b) {
    case CardBehaviour::decline: return DeclineReason{"generic_decline", "The card was declined."};
    case CardBehaviour::insufficient:
      return DeclineReason{"insufficient_funds", "The card has insufficient funds."};
    case CardBehaviour::expired: return DeclineReason{"expired_card", "The card has expired."};
    case CardBehaviour::incorrect_cvc:
      return DeclineReason{"incorrect_cvc", "The card's security code is incorrect."};
    default: return std::nullopt;
  }
}

}  // namespace payd::sandbox
