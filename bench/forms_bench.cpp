// forms_bench: re-evaluating a form after one answer, against a full evaluation of the
// same form in the same run. The form is generated: 200 questions in 10 groups, 50 of
// them with a relevant, 20 calculations (one chain runs through every group).
// Prints medians; the target is under 1 ms for one answer.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "doorstep/core/forms/definition_loader.h"
#include "doorstep/core/forms/session.h"

using namespace doorstep::forms;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

std::string q(int group, int i) { return "q" + std::to_string(group) + "_" + std::to_string(i); }

// Per group: 13 answerable questions (integer, select_one, text in turn), 5 with a
// relevant on earlier answers, and 2 calculations, one of them chained to the previous
// group's.
json generate_form() {
  json survey = json::array();
  for (int g = 0; g < 10; ++g) {
    survey.push_back({{"type", "begin_group"}, {"name", "g" + std::to_string(g)}, {"label", "Section"}});
    for (int i = 0; i < 13; ++i) {
      const char* type = i % 3 == 0 ? "integer" : i % 3 == 1 ? "select_one yes_no" : "text";
      json row = {{"type", type}, {"name", q(g, i)}, {"label", "Question"}};
      if (i % 3 == 0) row["constraint"] = ". >= 0 and . < 1000";
      if (i == 1) row["required"] = "yes";
      survey.push_back(std::move(row));
    }
    for (int i = 13; i < 18; ++i) {
      int a = (i - 13) * 3 % 12;  // an integer question of this group
      std::string other = g > 0 ? q(g - 1, 1) : q(g, 1);
      survey.push_back({{"type", "text"}, {"name", q(g, i)}, {"label", "Follow-up"},
                        {"relevant", "${" + q(g, a - a % 3) + "} > " + std::to_string(i) + " and ${" + other + "} = 'yes'"}});
    }
    survey.push_back({{"type", "calculate"}, {"name", q(g, 18)}, {"calculation", "${" + q(g, 3) + "} * 2 + string-length(${" + q(g, 2) + "})"}});
    std::string prev = g > 0 ? "${" + q(g - 1, 19) + "}" : "0";
    survey.push_back({{"type", "calculate"}, {"name", q(g, 19)}, {"calculation", "${" + q(g, 18) + "} + " + prev}});
    survey.push_back({{"type", "end_group"}});
  }
  json choices = json::array({{{"list_name", "yes_no"}, {"name", "yes"}, {"label", "Yes"}},
                              {{"list_name", "yes_no"}, {"name", "no"}, {"label", "No"}}});
  return {{"settings", {{"form_id", "bench"}, {"version", 1}}}, {"survey", survey}, {"choices", choices}};
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Median microseconds of answering `path` alternately with a and b.
double time_answer(FormSession& s, const std::string& path, const Value& a, const Value& b, int runs,
                   double* evaluations) {
  std::vector<double> us;
  us.reserve(static_cast<std::size_t>(runs));
  auto before = s.evaluations();
  for (int i = 0; i < runs; ++i) {
    auto t0 = Clock::now();
    auto r = s.answer(path, i % 2 ? a : b);
    auto t1 = Clock::now();
    if (!r.ok()) std::fprintf(stderr, "answer failed: %s\n", r.error().message.c_str());
    us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  *evaluations = static_cast<double>(s.evaluations() - before) / runs;
  return median(us);
}

}  // namespace

int main() {
  auto t0 = Clock::now();
  auto load = load_definition_json(generate_form());
  auto t1 = Clock::now();
  if (!load.ok()) {
    for (const auto& p : load.problems) std::fprintf(stderr, "%s\n", p.describe().c_str());
    return 1;
  }
  const auto& def = load.definition;
  std::printf("form: %zu survey items, load and check %.2f ms\n", def->questions.size(),
              std::chrono::duration<double, std::milli>(t1 - t0).count());

  auto s = FormSession::start(def, {}, [] { return std::int64_t{1795600800000}; });
  // Fill it in, so relevance and calculations have something to work on.
  for (int g = 0; g < 10; ++g)
    for (int i = 0; i < 13; ++i)
      (void)s.answer(q(g, i), i % 3 == 0 ? Value(double(i * 3)) : i % 3 == 1 ? Value(std::string("yes")) : Value(std::string("some text")));

  const int runs = 4001;
  double ev_typical = 0, ev_chain = 0, ev_leaf = 0;
  double typical = time_answer(s, q(5, 0), Value(20.0), Value(10.0), runs, &ev_typical);
  double chain = time_answer(s, q(0, 3), Value(7.0), Value(8.0), runs, &ev_chain);
  double leaf = time_answer(s, q(4, 11), Value(std::string("a")), Value(std::string("b")), runs, &ev_leaf);

  std::vector<double> full;
  auto before = s.evaluations();
  for (int i = 0; i < 401; ++i) {
    auto a = Clock::now();
    s.refresh();
    auto b = Clock::now();
    full.push_back(std::chrono::duration<double, std::micro>(b - a).count());
  }
  double ev_full = static_cast<double>(s.evaluations() - before) / 401;
  double full_us = median(full);

  std::printf("one answer, read by 2 relevants (median):              %8.1f us  (%4.0f evaluations)\n", typical, ev_typical);
  std::printf("one answer, start of the 10-group calculation chain:   %8.1f us  (%4.0f evaluations)\n", chain, ev_chain);
  std::printf("one answer nothing reads:                              %8.1f us  (%4.0f evaluations)\n", leaf, ev_leaf);
  std::printf("full evaluation, baseline (median):                    %8.1f us  (%4.0f evaluations)\n", full_us, ev_full);
  std::printf("ratio full / one answer: typical %.1fx, chain %.1fx\n", full_us / typical, full_us / chain);
  std::printf("target: one answer under 1000 us: %s\n", std::max(typical, chain) < 1000 ? "met" : "NOT met");
  return 0;
}
