// Small JSON helpers shared by wire layers and handlers.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace emu {

// Parses `text` as JSON without throwing. Rejects nesting deeper than `max_depth` (protects the
// parser's recursion against hostile bodies) and invalid UTF-8 in strings.
std::optional<nlohmann::json> parse_json(std::string_view text, int max_depth = 512);
// The same, keeping object keys in document order (what JavaScript's JSON.parse does), for code
// that must re-serialise a body byte-for-byte like the seed's Node functions.
std::optional<nlohmann::ordered_json> parse_ordered_json(std::string_view text,
                                                         int max_depth = 512);

// parse_ordered_json into `out`, reusing the memory of the document `out` held where the new one
// has the same shape (for callers that parse many similar documents). False when `text` does
// not parse; `out` then holds some other valid document.
bool parse_ordered_json_into(std::string_view text, nlohmann::ordered_json& out,
                             int max_depth = 512);

// Serialises like JavaScript's JSON.stringify: compact, keys in the object's order, and invalid
// UTF-8 replaced rather than throwing.
std::string dump_compact(const nlohmann::json& j);
std::string dump_compact(const nlohmann::ordered_json& j);

}  // namespace emu
