// Numbered, forward-only, transactional schema migrations (PRAGMA user_version).
#pragma once

#include "../db/database.h"

namespace doorstep::store {

// The user_version a store has after migrate(). Raise with each new migration.
constexpr int kSchemaVersion = 3;

// Applies every migration above the file's user_version, each in its own
// transaction together with the user_version bump. A store newer than this build
// is refused (ErrorCode::corrupt with a message saying so), never downgraded.
Status migrate(db::Database& db);

}  // namespace doorstep::store
