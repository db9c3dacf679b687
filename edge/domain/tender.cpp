#include "edge/domain/tender.hpp"

#include <cstdio>

namespace storeedge::domain {

std::string_view to_string(TenderKind kind) {
  switch (kind) {
    case TenderKind::cash: return "cash";
    case TenderKind::card: return "card";
    case TenderKind::gift_card: return "gift_card";
    case TenderKind::loyalty_points: return "loyalty_points";
    case TenderKind::store_credit: return "store_credit";
  }
  return "unknown";
}

Result<CardAuthorization> SimulatedPaymentTerminal::authorize(Cents amount, std::string_view /*currency*/) {
  ++requests_;
  if (time_out_next_) {
    time_out_next_ = false;
    return fail(Errc::unavailable, "payment terminal did not answer in time");
  }
  CardAuthorization out;
  if (!decline_next_.empty()) {
    out.decline_reason = std::move(decline_next_);
    decline_next_.clear();
    return out;
  }
  if (decline_above_ >= 0 && amount > decline_above_) {
    out.decline_reason = "insufficient funds";
    return out;
  }
  char token[32];
  std::snprintf(token, sizeof token, "sim-%06d", ++approvals_);
  out.approved = true;
  out.token = token;
  out.last4 = last4_;
  return out;
}

Cents round_to_step(Cents amount, Cents step) {
  if (step <= 1) return amount;
  const Cents rest = amount % step;
  return rest * 2 >= step ? amount - rest + step : amount - rest;
}

Result<TenderLedger> TenderLedger::create(Cents total, Cents cash_rounding_step, std::string currency) {
  if (total < 0)
    return fail(Errc::invalid_argument,
                "amount to pay must not be negative, got " + to_decimal_string(total));
  if (cash_rounding_step != 0 && cash_rounding_step != 5 && cash_rounding_step != 10) {
    return fail(Errc::invalid_argument,
                "cash rounding step must be 0, 5 or 10 cents, got " + std::to_string(cash_rounding_step));
  }
  return TenderLedger(total, cash_rounding_step, std::move(currency));
}

Result<TenderLedger> TenderLedger::restore(Cents total, Cents cash_rounding_step, std::string currency,
                                           Cents rounding, std::vector<TenderRecord> records) {
  auto ledger = create(total, cash_rounding_step, std::move(currency));
  if (!ledger) return ledger;
  if (rounding < -cash_rounding_step || rounding > cash_rounding_step) {
    return fail(Errc::corrupt, "stored cash rounding " + to_decimal_string(rounding) + " exceeds the step");
  }
  ledger->rounding_ = rounding;
  for (const TenderRecord& r : records) {
    const bool consistent = r.amount >= 0 && r.change >= 0 && r.given == r.amount + r.change &&
                            (r.kind == TenderKind::cash || r.change == 0);
    if (!consistent)
      return fail(Errc::corrupt, "stored " + std::string(to_string(r.kind)) + " tender does not add up");
  }
  ledger->records_ = std::move(records);
  if (ledger->remaining() < 0) return fail(Errc::corrupt, "stored tenders exceed the amount due");
  return ledger;
}

Cents TenderLedger::paid() const {
  Cents sum = 0;
  for (const TenderRecord& r : records_) sum += r.amount;
  return sum;
}

Cents TenderLedger::tendered() const {
  Cents sum = 0;
  for (const TenderRecord& r : records_) sum += r.given;
  return sum;
}

Cents TenderLedger::change() const {
  Cents sum = 0;
  for (const TenderRecord& r : records_) sum += r.change;
  return sum;
}

TenderOutcome TenderLedger::record(TenderRecord r) {
  const Cents change = r.change;
  records_.push_back(std::move(r));
  return TenderOutcome{.accepted = true, .decline_reason = {}, .remaining = remaining(), .change = change};
}

Result<TenderOutcome> TenderLedger::pay_cash(Cents given) {
  const Cents rest = remaining();
  const Cents settle = round_to_step(rest, step_);
  if (given < 0 || (given == 0 && settle > 0)) {
    return fail(Errc::invalid_argument, "cash tendered must be positive, got " + to_decimal_string(given));
  }
  if (rest == 0)
    return fail(Errc::conflict, "nothing is due; cash of " + to_decimal_string(given) + " refused");
  if (given >= settle) {
    // Settles the sale: round the rest to the cash step, give change from the rounded figure.
    rounding_ += settle - rest;
    return record(
        TenderRecord{.kind = TenderKind::cash, .amount = settle, .given = given, .change = given - settle});
  }
  return record(TenderRecord{.kind = TenderKind::cash, .amount = given, .given = given});
}

Status TenderLedger::check_non_cash(std::string_view what, Cents amount) const {
  if (amount <= 0) {
    return fail(Errc::invalid_argument,
                std::string(what) + " amount must be positive, got " + to_decimal_string(amount));
  }
  if (amount > remaining()) {
    return fail(Errc::invalid_argument, std::string(what) + " amount " + to_decimal_string(amount) +
                                            " exceeds the " + to_decimal_string(remaining()) + " still due");
  }
  return {};
}

Result<TenderOutcome> TenderLedger::pay_card(PaymentTerminal& terminal, Cents amount) {
  if (auto s = check_non_cash("card", amount); !s) return fail(s.error());
  auto auth = terminal.authorize(amount, currency_);
  if (!auth) return fail(auth.error().with_context("card payment of " + to_decimal_string(amount)));
  if (!auth->approved) {
    return TenderOutcome{
        .accepted = false, .decline_reason = auth->decline_reason, .remaining = remaining(), .change = 0};
  }
  return record(TenderRecord{.kind = TenderKind::card,
                             .amount = amount,
                             .given = amount,
                             .change = 0,
                             .reference = auth->token,
                             .last4 = auth->last4});
}

Result<TenderOutcome> TenderLedger::pay_gift_card(const GiftCardTender& t) {
  if (auto s = check_non_cash("gift card", t.amount); !s) return fail(s.error());
  if (t.card_id.empty()) return fail(Errc::invalid_argument, "gift card tender without a card id");
  if (t.amount > t.balance) {
    return fail(Errc::invalid_argument, "gift card " + t.card_id + " has " + to_decimal_string(t.balance) +
                                            ", below the " + to_decimal_string(t.amount) + " asked");
  }
  return record(TenderRecord{.kind = TenderKind::gift_card,
                             .amount = t.amount,
                             .given = t.amount,
                             .change = 0,
                             .reference = t.card_id});
}

Result<TenderOutcome> TenderLedger::pay_store_credit(const StoreCreditTender& t) {
  if (auto s = check_non_cash("store credit", t.amount); !s) return fail(s.error());
  if (t.credit_id.empty()) return fail(Errc::invalid_argument, "store credit tender without a credit id");
  if (t.amount > t.balance) {
    return fail(Errc::invalid_argument, "store credit " + t.credit_id + " has " +
                                            to_decimal_string(t.balance) + ", below the " +
                                            to_decimal_string(t.amount) + " asked");
  }
  return record(TenderRecord{.kind = TenderKind::store_credit,
                             .amount = t.amount,
                             .given = t.amount,
                             .change = 0,
                             .reference = t.credit_id});
}

Result<TenderOutcome> TenderLedger::pay_loyalty_points(const LoyaltyPointsTender& t) {
  if (t.rate.points <= 0 || t.rate.cents <= 0)
    return fail(Errc::invalid_argument, "points rate must be positive");
  if (t.points <= 0 || t.points > t.points_balance) {
    return fail(Errc::invalid_argument, "cannot redeem " + std::to_string(t.points) +
                                            " points with a balance of " + std::to_string(t.points_balance));
  }
  auto value = checked_mul(t.points, t.rate.cents);
  if (!value) return fail(value.error().with_context("converting points"));
  if (*value % t.rate.points != 0) {
    return fail(Errc::invalid_argument,
                std::to_string(t.points) + " points do not convert to whole cents at " +
                    std::to_string(t.rate.points) + " points per " + to_decimal_string(t.rate.cents));
  }
  const Cents amount = *value / t.rate.points;
  if (auto s = check_non_cash("loyalty points", amount); !s) return fail(s.error());
  return record(TenderRecord{.kind = TenderKind::loyalty_points,
                             .amount = amount,
                             .given = amount,
                             .change = 0,
                             .reference = t.customer_id,
                             .last4 = {},
                             .points = t.points});
}

}  // namespace storeedge::domain
