#include "temp_store.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <random>
#include <sstream>

#include "doorstep/core/loader.h"

namespace doorstep::test {

TempDir::TempDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() / ("doorstep-test-" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

StoreOptions fast_options(const Clock* clock) {
  StoreOptions o;
  o.kdf.opslimit = 2;
  o.kdf.memlimit = 19ull << 20;
  o.first_delay_ms = 0;
  o.clock = clock;
  return o;
}

std::unique_ptr<Store> make_store(const std::filesystem::path& dir, const StoreOptions& options) {
  auto s = Store::create(dir, "alex", SecretString(std::string(kPin)), options);
  INFO((s.ok() ? std::string() : s.error().describe()));
  REQUIRE(s.ok());
  return std::move(*s);
}

std::unique_ptr<Store> open_store(const std::filesystem::path& dir, const StoreOptions& options) {
  auto s = Store::open(dir, SecretString(std::string(kPin)), options);
  INFO((s.ok() ? std::string() : s.error().describe()));
  REQUIRE(s.ok());
  return std::move(*s);
}

void load_sample(Store& store) {
  const char* json = R"({
    "people": [{"id": "p1", "name": "Dana Whitfield", "date_of_birth": "2015-03-02",
                "address": "14 Orchard Row", "markers": ["dog at property"]}],
    "cases": [{"id": "c1", "person_id": "p1", "kind": "children", "title": "Child in need",
               "status": "open", "team": "north", "worker": "alex", "visit_interval_days": 10}],
    "visits": [{"id": "v1", "case_id": "c1", "planned_start": "2026-11-25T10:00:00Z", "purpose": "statutory visit"},
               {"id": "v2", "case_id": "c1", "planned_start": "2026-11-26T10:00:00Z", "purpose": "school meeting"}],
    "tasks": [{"id": "t1", "case_id": "c1", "title": "Check smoke alarm"}]
  })";
  auto r = load_json(store, json);
  INFO((r.ok() ? std::string() : r.error().describe()));
  REQUIRE(r.ok());
}

std::vector<std::filesystem::path> files_under(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out.push_back(e.path());
  return out;
}

std::string read_all(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string utf16le(const std::string& a) {
  std::string out;
  for (char c : a) {
    out += c;
    out += '\0';
  }
  return out;
}

std::string utf16be(const std::string& a) {
  std::string out;
  for (char c : a) {
    out += '\0';
    out += c;
  }
  return out;
}

}  // namespace doorstep::test
