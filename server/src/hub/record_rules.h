// Record rules the hub enforces on every state it stores, whoever wrote it (device
// or office): required fields, the values a device store accepts (its CHECK
// constraints: case kinds, visit states, note visibility, priorities, coordinates),
// timestamps, ids and sizes. A state that passes here can be applied by any device.
// Pure functions: thread-safe.
#pragma once

#include "doorstep/core/record.h"
#include "doorstep/core/result.h"

namespace doorstep::server {

// Fills defaults a device store needs (person markers "[]") and checks the state.
// invalid_argument names the field; the message never quotes its value.
Status check_record_state(Record& record);

// 64 lower-case hex digits.
bool is_sha256_hex(const std::string& text);

}  // namespace doorstep::server
