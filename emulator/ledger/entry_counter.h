// Counts the entries of a metrics body's top-level "payload" array without building a DOM, for
// the ledger's independent accounting (create_metrics itself never parses small bodies, so the
// ledger must). Runs at memory speed on bodies of any size and never throws.
#pragma once

#include <cstdint>
#include <string_view>

namespace emu::ledger {

// Number of elements of the top-level "payload" member when it is an array; 0 when the body is
// not a JSON object, has no payload array, or is malformed before the array ends.
std::int64_t count_payload_entries(std::string_view body);

}  // namespace emu::ledger
