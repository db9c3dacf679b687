#include "edge/cli/ctl.hpp"

int main(int argc, char** argv) {
  return storeedge::cli::run(argc, argv);
}
