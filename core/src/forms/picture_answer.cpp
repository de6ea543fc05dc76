// Image and signature answers: the picture reference's text form, and finding the
// references in a submission or a draft.
#include "doorstep/core/forms/picture_answer.h"

#include <algorithm>

namespace doorstep::forms {
namespace {

constexpr std::string_view kPrefix = "sha256:";

bool lower_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool known_media_type(std::string_view t) {
  return t == "image/jpeg" || t == "image/png" || t == "image/heic" || t == "image/webp";
}

void collect(const FormDefinition& def, const nlohmann::json& obj, int repeat, const std::string& prefix,
             std::vector<PictureAnswer>& out) {
  if (!obj.is_object()) return;
  for (const auto& q : def.questions) {
    if (q.repeat != repeat) continue;
    auto it = obj.find(q.name);
    if (it == obj.end()) continue;
    if (q.type == QuestionType::repeat && repeat < 0) {
      if (!it->is_array()) continue;
      const int r = def.index_of(q.name);
      for (std::size_t k = 0; k < it->size(); ++k)
        collect(def, (*it)[k], r, q.name + "[" + std::to_string(k + 1) + "]/", out);
      continue;
    }
    if (!takes_picture(q)) continue;
    PictureAnswer a{prefix + q.name, std::nullopt};
    if (it->is_string()) a.ref = parse_picture_ref(it->get<std::string>());
    out.push_back(std::move(a));
  }
}

}  // namespace

std::string PictureRef::text() const {
  return std::string(kPrefix) + sha256 + " " + media_type + " " + std::to_string(size_bytes);
}

std::optional<PictureRef> parse_picture_ref(std::string_view text) {
  // Exactly "sha256:<64 hex> <type> <digits>", single spaces: one canonical text per picture.
  if (text.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  text.remove_prefix(kPrefix.size());
  const auto sp1 = text.find(' ');
  if (sp1 != 64) return std::nullopt;
  const auto sp2 = text.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return std::nullopt;
  PictureRef ref;
  ref.sha256 = std::string(text.substr(0, 64));
  ref.media_type = std::string(text.substr(sp1 + 1, sp2 - sp1 - 1));
  const std::string_view digits = text.substr(sp2 + 1);
  if (!lower_hex(ref.sha256) || !known_media_type(ref.media_type)) return std::nullopt;
  if (digits.empty() || digits.size() > 9 || digits[0] == '0') return std::nullopt;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    ref.size_bytes = ref.size_bytes * 10 + (c - '0');
  }
  if (ref.size_bytes > kMaxPictureBytes) return std::nullopt;
  return ref;
}

bool takes_picture(const Question& q) { return q.type == QuestionType::image || q.type == QuestionType::signature; }

std::vector<PictureAnswer> picture_answers(const FormDefinition& def, const nlohmann::json& answers) {
  std::vector<PictureAnswer> out;
  collect(def, answers, -1, "", out);
  return out;
}

std::vector<std::string> picture_hashes_in(std::string_view text) {
  std::vector<std::string> out;
  for (std::size_t at = text.find(kPrefix); at != std::string_view::npos; at = text.find(kPrefix, at + 1)) {
    const std::string_view hex = text.substr(at + kPrefix.size(), 64);
    if (hex.size() != 64 || !lower_hex(hex)) continue;
    std::string sha(hex);
    if (std::find(out.begin(), out.end(), sha) == out.end()) out.push_back(std::move(sha));
  }
  return out;
}

}  // namespace doorstep::forms
