// The HTTP API (docs/api.md), one registration function per group of routes.
// Handlers are stateless over the Hub: thread-safe.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "http/router.h"
#include "hub/hub.h"

namespace doorstep::server {
class OidcClient;
struct OfficeSignIn;
}

namespace doorstep::server::http {

void add_sync_routes(Router& r, Hub& hub);    // /v1/enrol, /v1/token, /v1/sync/push, /v1/sync/changes, /v1/devices/wiped
void add_blob_routes(Router& r, Hub& hub);    // /v1/blobs/...
void add_office_routes(Router& r, Hub& hub);  // /v1/office/... people, cases, visits, tasks, allocation
void add_office_account_routes(Router& r, Hub& hub);  // /v1/office/... login, logout, password, accounts
void add_office_admin_routes(Router& r, Hub& hub);  // /v1/office/... devices, conflicts, export
void add_audit_routes(Router& r, Hub& hub);   // /v1/office/audit, /v1/office/audit.csv, /v1/office/people/{id}/access
void add_form_routes(Router& r, Hub& hub);    // /v1/office/forms, /v1/office/form-submissions
void add_health_routes(Router& r, Hub& hub);  // /healthz, /metrics
// /v1/office/oidc/start, /v1/office/oidc/callback; oidc null: both answer 404.
void add_oidc_routes(Router& r, Hub& hub, std::shared_ptr<OidcClient> oidc);

// The office console's pages and files from console_dir (share/doorstep/office/);
// console_dir "": none (/office answers 404).
void add_console_routes(Router& r, const std::string& console_dir);
// <exe>/../share/doorstep/office when it holds the console's pages, else "".
std::string default_console_dir(const std::string& exe);

// The answer of a sign-in that opened an office session, password or OpenID Connect.
nlohmann::json sign_in_json(const OfficeSignIn& s, Hub& hub);

}  // namespace doorstep::server::http
