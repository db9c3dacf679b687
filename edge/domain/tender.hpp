#pragma once
// Paying for a cart: cash with change and optional cash rounding, card through a PaymentTerminal,
// gift card, loyalty points and store credit, in any split. The ledger only records what was paid;
// balances of gift cards, points and credit are checked against figures the caller read and are
// debited by the caller in the same transaction that stores the sale.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "edge/domain/money.hpp"
#include "platform/error.hpp"

namespace storeedge::domain {

enum class TenderKind { cash, card, gift_card, loyalty_points, store_credit };
std::string_view to_string(TenderKind kind);

struct TenderRecord {
  TenderKind kind = TenderKind::cash;
  Cents amount = 0;         // applied to the sale
  Cents given = 0;          // handed over: cash received, or == amount for other tenders
  Cents change = 0;         // cash only: given - amount
  std::string reference{};  // card token, gift card id, store credit id, loyalty customer id
  std::string last4{};      // card only; the card number never reaches us
  std::int64_t points = 0;  // loyalty only

  friend bool operator==(const TenderRecord&, const TenderRecord&) = default;
};

struct CardAuthorization {
  bool approved = false;
  std::string token{};           // approved: the acquirer's token
  std::string last4{};           // approved: last four digits for the receipt
  std::string decline_reason{};  // declined: what to tell the customer
};

// A card payment terminal. A decline is an answer (approved == false); a terminal that cannot be
// reached or does not answer in time is an error (Errc::unavailable).
class PaymentTerminal {
 public:
  virtual ~PaymentTerminal() = default;
  [[nodiscard]] virtual Result<CardAuthorization> authorize(Cents amount, std::string_view currency) = 0;
};

// A terminal for tests and demos: approves with tokens "sim-000001", "sim-000002", ... unless told
// otherwise. Not thread-safe.
class SimulatedPaymentTerminal final : public PaymentTerminal {
 public:
  Result<CardAuthorization> authorize(Cents amount, std::string_view currency) override;

  void decline_next(std::string reason) { decline_next_ = std::move(reason); }
  void time_out_next() { time_out_next_ = true; }
  // Declines every amount above `limit` ("insufficient funds"); negative turns it off.
  void decline_above(Cents limit) { decline_above_ = limit; }
  void set_last4(std::string last4) { last4_ = std::move(last4); }
  int requests() const { return requests_; }

 private:
  std::string decline_next_{};
  bool time_out_next_ = false;
  Cents decline_above_ = -1;
  std::string last4_ = "4242";
  int requests_ = 0;
  int approvals_ = 0;
};

struct GiftCardTender {
  std::string card_id{};
  Cents balance = 0;  // as read by the caller
  Cents amount = 0;
};

struct StoreCreditTender {
  std::string credit_id{};
  Cents balance = 0;
  Cents amount = 0;
};

// `points` points are worth `cents` cents (e.g. {100, 100}: a point is a cent). Data, from the hub.
struct PointsRate {
  std::int64_t points = 100;
  Cents cents = 100;
};

struct LoyaltyPointsTender {
  std::string customer_id{};
  std::int64_t points = 0;          // points to redeem; must convert to whole cents
  std::int64_t points_balance = 0;  // as read by the caller
  PointsRate rate;
};

struct TenderOutcome {
  bool accepted = true;
  std::string decline_reason{};
  Cents remaining = 0;  // still due after this tender
  Cents change = 0;     // cash to hand back
};

// The nearest multiple of `step`, halves up (step 5: x.x2 -> x.x0, x.x3 -> x.x5). step <= 1: unchanged.
Cents round_to_step(Cents amount, Cents step);

// The payments against one frozen total. Rules:
//  - a non-cash tender must be positive and at most the amount still due (invalid_argument);
//  - change is given only from cash;
//  - cash rounding (step 5 or 10) applies when a cash tender settles the rest: the rest is rounded to
//    the step, the difference kept as rounding(), and the due amount becomes total() + rounding();
//  - a failed or declined tender records nothing.
class TenderLedger {
 public:
  // step: 0 (no cash rounding), 5 or 10 cents.
  [[nodiscard]] static Result<TenderLedger> create(Cents total, Cents cash_rounding_step,
                                                   std::string currency);
  // Rebuilds a ledger from stored figures; fails (corrupt) when they do not add up.
  [[nodiscard]] static Result<TenderLedger> restore(Cents total, Cents cash_rounding_step,
                                                    std::string currency, Cents rounding,
                                                    std::vector<TenderRecord> records);

  [[nodiscard]] Result<TenderOutcome> pay_cash(Cents given);
  [[nodiscard]] Result<TenderOutcome> pay_card(PaymentTerminal& terminal, Cents amount);
  [[nodiscard]] Result<TenderOutcome> pay_gift_card(const GiftCardTender& tender);
  [[nodiscard]] Result<TenderOutcome> pay_store_credit(const StoreCreditTender& tender);
  [[nodiscard]] Result<TenderOutcome> pay_loyalty_points(const LoyaltyPointsTender& tender);

  Cents total() const { return total_; }
  Cents rounding() const { return rounding_; }
  Cents amount_due() const { return total_ + rounding_; }
  Cents paid() const;      // sum of amounts applied
  Cents tendered() const;  // sum of money handed over
  Cents change() const;
  Cents remaining() const { return amount_due() - paid(); }
  bool fully_paid() const { return remaining() == 0; }
  Cents cash_rounding_step() const { return step_; }
  const std::vector<TenderRecord>& records() const { return records_; }

 private:
  TenderLedger(Cents total, Cents step, std::string currency)
      : total_(total), step_(step), currency_(std::move(currency)) {}
  Status check_non_cash(std::string_view what, Cents amount) const;
  TenderOutcome record(TenderRecord r);

  Cents total_ = 0;
  Cents step_ = 0;
  std::string currency_{};
  Cents rounding_ = 0;
  std::vector<TenderRecord> records_{};
};

}  // namespace storeedge::domain
