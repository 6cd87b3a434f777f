// The cafconnect binary: everything happens in the CLI.
#include "server/cli.hpp"

int main(int argc, char** argv) { return caf::server::run_cli(argc, argv); }
