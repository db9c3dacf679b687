// The child of the sale crash test: completes sales in a loop on a replica and, after each
// complete_sale returned, appends the order id to an acknowledgement file and fsyncs it. The parent
// SIGKILLs it at random moments; every id in the file is a sale the till told the customer was done.
// Usage: sale_crash_child DB ACK_FILE DEVICE. Bounded: at most 100000 sales and 120 s.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "edge/domain/cart.hpp"
#include "edge/domain/fiscal/verifactu_recorder.hpp"
#include "edge/store/sales.hpp"

namespace storeedge::store {
namespace {

domain::LineRequest item(int i) {
  domain::LineRequest r;
  const std::string sku = "SKU" + std::to_string(i % 7);
  r.product = domain::Product{
      sku, {}, "Item " + sku, "grocery", i % 2 ? "general" : "reduced", domain::SoldBy::unit, false};
  r.price = domain::Price{sku, "0001", 100 + 37 * (i % 7), {}, {}};
  r.quantity = 1 + i % 3;
  return r;
}

Result<domain::Cart> paid_cart(int n, domain::PaymentTerminal& terminal, std::int64_t now) {
  domain::CartConfig config;
  config.store = "0001";
  config.tax_rates = {{"general", 2100}, {"reduced", 1000}};
  auto cart = domain::Cart::create("crash-" + std::to_string(n), config);
  if (!cart) return cart;
  for (int i = 0; i < 3 + n % 5; ++i) {
    if (auto id = cart->add_line(item(n + i), now); !id) return fail(id.error());
  }
  if (auto s = cart->begin_tendering(now); !s) return fail(s.error());
  if (n % 2 == 0) {
    if (auto t = cart->pay_card(terminal, 100); !t) return fail(t.error());
  }
  if (auto t = cart->pay_cash(cart->ledger()->remaining() + 50); !t) return fail(t.error());
  return cart;
}

int run(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: sale_crash_child DB ACK_FILE DEVICE\n");
    return 2;
  }
  SystemClock clock;
  auto replica = Replica::open(argv[1], clock);
  if (!replica) {
    std::fprintf(stderr, "%s\n", replica.error().what().c_str());
    return 1;
  }
  const int ack = ::open(argv[2], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (ack < 0) return 1;
  domain::fiscal::VerifactuRecorder recorder(domain::fiscal::AeatEnvironment::test);
  domain::SimulatedPaymentTerminal terminal;
  const SaleContext ctx{"0001", argv[3], Channel::pos, "cashier-1", std::nullopt, "B12345674", recorder, {}};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  for (int n = 0; n < 100000 && std::chrono::steady_clock::now() < deadline; ++n) {
    auto cart = paid_cart(n, terminal, unix_millis(clock.now()));
    if (!cart) {
      std::fprintf(stderr, "%s\n", cart.error().what().c_str());
      return 1;
    }
    auto sale = complete_sale(*replica, *cart, ctx, clock);
    if (!sale) {
      std::fprintf(stderr, "%s\n", sale.error().what().c_str());
      return 1;
    }
    const std::string line = sale->order_id + "\n";
    if (::write(ack, line.data(), line.size()) != static_cast<ssize_t>(line.size()) || ::fsync(ack) != 0)
      return 1;
  }
  ::close(ack);
  return 0;
}

}  // namespace
}  // namespace storeedge::store

int main(int argc, char** argv) {
  return storeedge::store::run(argc, argv);
}
