// GET /healthz, GET /metrics.
#include "http/json_io.h"
#include "http/routes.h"
#include "hub/epoch.h"

namespace doorstep::server::http {

void add_health_routes(Router& r, Hub& hub) {
  r.get("/healthz", "/healthz", [&hub](const httplib::Request&, httplib::Response& res) {
    auto db = hub.pool().lease();
    if (db) {
      // Read, not cached: another instance (or doorstep-server new-epoch) may have started one.
      auto epoch = read_epoch(**db);
      if (epoch) {
        send_json(res, 200,
                  {{"status", "ok"}, {"backend", hub.backend_name()}, {"epoch", epoch->epoch}, {"epoch_base", epoch->base}});
        return;
      }
    }
    send_json(res, 503, {{"status", "unavailable"}, {"backend", hub.backend_name()}, {"epoch", hub.epoch()}});
  });

  r.get("/metrics", "/metrics", [&hub](const httplib::Request&, httplib::Response& res) {
    res.status = 200;
    std::string text = hub.metrics().render();
    // Read live from the gates, not counted: how pulls and password checks queue for their turn.
    text += "# HELP doorstep_changes_page_slots Changes pages this instance builds at once (--concurrent-pulls).\n"
            "# TYPE doorstep_changes_page_slots gauge\n"
            "doorstep_changes_page_slots " + std::to_string(hub.page_gate().capacity()) + "\n"
            "# HELP doorstep_changes_pages_waiting Changes requests waiting for a turn to be built.\n"
            "# TYPE doorstep_changes_pages_waiting gauge\n"
            "doorstep_changes_pages_waiting " + std::to_string(hub.page_gate().waiting()) + "\n"
            "# HELP doorstep_password_check_slots Argon2id hashes and checks this instance runs at once (--concurrent-password-checks).\n"
            "# TYPE doorstep_password_check_slots gauge\n"
            "doorstep_password_check_slots " + std::to_string(hub.password_gate().capacity()) + "\n"
            "# HELP doorstep_password_checks_running Argon2id hashes and checks running now.\n"
            "# TYPE doorstep_password_checks_running gauge\n"
            "doorstep_password_checks_running " + std::to_string(hub.password_gate().inside()) + "\n"
            "# HELP doorstep_password_checks_waiting Argon2id hashes and checks waiting for a turn.\n"
            "# TYPE doorstep_password_checks_waiting gauge\n"
            "doorstep_password_checks_waiting " + std::to_string(hub.password_gate().waiting()) + "\n"
            "# HELP doorstep_sign_ins_waiting Sign-ins held until others of their account are checked (hub/sign_in_brake.h).\n"
            "# TYPE doorstep_sign_ins_waiting gauge\n"
            "doorstep_sign_ins_waiting " + std::to_string(hub.sign_in_brake().waiting()) + "\n";
    res.set_content(text, "text/plain; version=0.0.4");
  });
}

}  // namespace doorstep::server::http
