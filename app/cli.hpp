// The command line: serve, migrate, import, keys. Wrong usage exits 2; a bad configuration or any
// other startup error exits 1 with the file, the key and the reason.
#pragma once

namespace caf::app {

int run_cli(int argc, char** argv);

}  // namespace caf::app
