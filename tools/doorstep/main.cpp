// doorstep: the command-line client over a device store (docs/cli.md;
// docs/design.md, "The command-line client"). Secrets come from DOORSTEP_PIN /
// DOORSTEP_NEW_PIN or a terminal prompt, never from arguments. --json prints one
// JSON document.
#include <iostream>

#include "cli.h"

int main(int argc, char** argv) {
  using namespace doorstep::cli;
  Context ctx;
  CLI::App app{"doorstep: case work on this device's encrypted store"};
  app.name("doorstep");
  app.fallthrough();
  app.require_subcommand(1);
  app.add_option("--store", ctx.store_dir, "the device's data directory (holds users/<name>/)")->required();
  app.add_option("--user", ctx.user, "which worker's store, when DIR holds several");
  app.add_flag("--json", ctx.json, "print one JSON document");

  add_store_commands(app, ctx);
  add_casework_commands(app, ctx);
  add_visit_commands(app, ctx);
  add_report_commands(app, ctx);
  add_sync_commands(app, ctx);
  add_form_commands(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "doorstep: " << e.what() << " (see doorstep --help)\n";
    return kExitUsage;
  }
  if (!ctx.run) {
    std::cerr << "doorstep: choose a command (see doorstep --help)\n";
    return kExitUsage;
  }
  try {
    return ctx.run();
  } catch (const std::exception& e) {
    // Core reports failures as values; this is the last guard against a bug.
    std::cerr << "doorstep: internal error: " << e.what() << "\n";
    return kExitFailed;
  }
}
