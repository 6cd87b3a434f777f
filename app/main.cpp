// The cafconnect binary: everything happens in the CLI.
#include "app/cli.hpp"

int main(int argc, char** argv) { return caf::app::run_cli(argc, argv); }
