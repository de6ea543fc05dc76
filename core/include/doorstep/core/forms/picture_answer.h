// Image and signature answers: a reference to a picture in the device's encrypted blob
// store (blob_store.h), the same three facts a field report's attachment record holds:
// SHA-256 of the bytes, media type and size. The answer is text,
//   "sha256:<64 lower-case hex> <media type> <bytes>"
// e.g. "sha256:9f86…0a08 image/png 48213"; nothing else answers these questions.
// CaseForms puts the bytes in the blob store; the hub refuses a submission naming a
// picture it does not hold. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "doorstep/core/forms/definition.h"

namespace doorstep::forms {

// Largest picture an answer may name. Agrees with FieldReports::kMaxPhotoBytes.
inline constexpr std::int64_t kMaxPictureBytes = 25 << 20;

struct PictureRef {
  std::string sha256;        // lower-case hex of the plaintext's SHA-256
  std::string media_type;    // image/jpeg, image/png, image/heic or image/webp
  std::int64_t size_bytes = 0;
  std::string text() const;  // the answer's text
};

// The reference an answer's text holds; nullopt when it is not exactly one (a file
// name, a bare hash, another media type, a size of 0 or over kMaxPictureBytes).
std::optional<PictureRef> parse_picture_ref(std::string_view text);

// True for image and signature questions.
bool takes_picture(const Question& q);

// An image or signature answer in a submission's answers.
struct PictureAnswer {
  std::string path;               // "photo_1", "rooms[2]/photo"
  std::optional<PictureRef> ref;  // nullopt: the answer is not a picture reference
};

// Every image and signature answer in `answers` (Submission::answers for def), in
// survey order, repeats included. Answers to unknown names, and non-text answers, are
// reported with ref = nullopt when their question takes a picture, ignored otherwise.
std::vector<PictureAnswer> picture_answers(const FormDefinition& def, const nlohmann::json& answers);

// The SHA-256 of every "sha256:<hex>" reference in any text (a draft or a submission's
// answers as JSON), each once, in order of first appearance.
std::vector<std::string> picture_hashes_in(std::string_view text);

}  // namespace doorstep::forms
