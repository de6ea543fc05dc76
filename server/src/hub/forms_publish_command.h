// `doorstep-server --data DIR forms publish PATH...`: forms published from files as the
// office API publishes them (hub/forms.h), with every problem and warning printed.
// Used by main.cpp only; runs on the calling thread.
#pragma once

#include <string>
#include <vector>

#include "hub/hub.h"

namespace doorstep::server {

// Publishes each path (.xlsx, .xls, .json, a survey .csv or a folder of CSV sheets) in
// turn, as "doorstep-server forms publish" in the audit log. Prints one line per form
// and one per problem or warning (JSON with as_json: {"forms": [{"path", "published",
// "record", "problems", "warnings"}]}). 0 when every form was published (or was
// already), 1 when any was refused or could not be read.
int publish_forms_command(Hub& hub, const std::vector<std::string>& paths, bool as_json);

}  // namespace doorstep::server
