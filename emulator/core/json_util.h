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

// Serialises like JavaScript's JSON.stringify: compact, keys in the object's order, and invalid
// UTF-8 replaced rather than throwing.
std::string dump_compact(const nlohmann::json& j);
std::string dump_compact(const nlohmann::ordered_json& j);

}  // namespace emu
