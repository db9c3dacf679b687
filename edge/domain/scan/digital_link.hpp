#pragma once
// GS1 Digital Link URIs: https://id.gs1.org/01/09506000134352/10/ABC?17=261231 or the same on a brand's
// own domain, possibly under a path prefix (https://example.com/products/01/...). The GTIN path key is
// "01" (or its old alias "gtin"); qualifiers and query parameters with numeric keys are AIs. Other query
// parameters (linkType, ...) and the fragment are ignored.
#include <string_view>
#include <vector>

#include "edge/domain/scan/element_string.hpp"
#include "platform/error.hpp"

namespace storeedge::domain::scan {

// True when `text` starts with http:// or https:// (any case), i.e. should be read as a Digital Link.
[[nodiscard]] bool looks_like_url(std::string_view text);

// The AIs of a Digital Link, AI 01 first with the GTIN normalised to 14 digits. Every value is
// percent-decoded and checked against its AI. Fails when there is no /01/ key, a path key lacks its
// value, an escape is malformed, or a value is invalid.
[[nodiscard]] Result<std::vector<AiField>> parse_digital_link(std::string_view url);

}  // namespace storeedge::domain::scan
