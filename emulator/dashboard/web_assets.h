// Assets compiled into the programs (cmake/embed_text.cmake): Debian's dygraphs, the charting
// library of loadgen's report.html and the live dashboard, inlined so that pages are one
// self-contained file that works offline.
#pragma once

#include <string>
#include <string_view>

namespace emu::web {

std::string_view dygraphs_js();
std::string_view dygraphs_css();

// Text for an HTML element's content or a quoted attribute value: & < > " ' escaped.
std::string escape_html(std::string_view text);
// A JSON document for a <script type="application/json"> element: "<" written as \u003c, so
// that no string in it (user input: scenario names, descriptions) can close the element.
std::string json_for_script(const std::string& dumped_json);

}  // namespace emu::web
