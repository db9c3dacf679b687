#include "edge/daemon/daemon.hpp"

int main(int argc, char** argv) {
  return storeedge::daemon::run(argc, argv);
}
