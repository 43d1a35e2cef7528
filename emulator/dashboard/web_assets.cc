#include "emulator/dashboard/web_assets.h"

namespace emu::web {

extern const std::string_view kDygraphsJs;
extern const std::string_view kDygraphsCss;

std::string_view dygraphs_js() { return kDygraphsJs; }
std::string_view dygraphs_css() { return kDygraphsCss; }

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string json_for_script(const std::string& dumped_json) {
  std::string out;
  out.reserve(dumped_json.size());
  for (const char c : dumped_json) {
    if (c == '<') out += "\\u003c";
    else out += c;
  }
  return out;
}

}  // namespace emu::web
