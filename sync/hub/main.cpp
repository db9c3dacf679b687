#include "sync/hub/hub.hpp"

int main(int argc, char** argv) {
  return storeedge::sync::hub::run(argc, argv);
}
