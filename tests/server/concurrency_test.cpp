// Concurrency: devices pushing at once while another device pulls live. Every
// push is answered, and a device that pulls while writes commit misses nothing:
// sequence numbers commit in order.
#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "doorstep/protocol/messages.h"
#include "server_fixture.h"

using namespace doorstep::server::test;
using nlohmann::json;

TEST_CASE("concurrent pushes are all applied and a live reader sees every one exactly once") {
  TestServer s;
  s.add_worker("sam");
  s.add_person("p1", "Dana Whitfield");
  s.add_case("p1", "c1", "sam");
  constexpr int kWriters = 6, kBatches = 10, kPerBatch = 5;
  std::vector<std::unique_ptr<TestDevice>> writers;
  for (int i = 0; i < kWriters; ++i) writers.push_back(std::make_unique<TestDevice>(s, "sam"));
  TestDevice reader(s, "sam");
  std::string cursor;
  reader.pull_all(0, &cursor);

  std::atomic<int> failures{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w)
    threads.emplace_back([&, w] {
      TestDevice& d = *writers[w];
      for (int b = 0; b < kBatches; ++b) {
        json ops = json::array();
        for (int k = 0; k < kPerBatch; ++k) {
          const std::string id = "n-" + std::to_string(w) + "-" + std::to_string(b) + "-" + std::to_string(k);
          ops.push_back(d.op("case_note", id, "create",
                             {{"case_id", "c1"}, {"body", id}, {"visibility", "normal"}, {"author", "sam"},
                              {"state", "final"}, {"written_at", "2026-11-25T09:00:00Z"}}));
        }
        // Not d.push(): it uses Catch macros, which must not run off the main thread.
        auto r = s.call_json("POST", "/v1/sync/push",
                             {{"operations", ops}, {"audit_events", json::array()}, {"purged_cases", json::array()}},
                             d.access_token);
        if (r.status != 200 || !doorstep::protocol::parse_push_response(r.json).ok()) ++failures;
        else
          for (const auto& res : r.json["results"])
            if (res["outcome"] != "applied") ++failures;
      }
    });

  // The reader pulls live pages while the writers commit.
  std::multiset<std::string> seen;
  std::thread pulling([&] {
    while (!done) {
      auto r = s.call("GET", "/v1/sync/changes?limit=7&cursor=" + cursor, "", reader.access_token);
      if (r.status != 200) {
        ++failures;
        break;
      }
      for (const auto& e : r.json["entries"])
        if (e.contains("record") && e["record"]["type"] == "case_note") seen.insert(e["record"]["id"].get<std::string>());
      cursor = r.json["cursor"];
    }
  });
  for (auto& t : threads) t.join();
  done = true;
  pulling.join();
  // One more pull after the last commit.
  for (bool more = true; more;) {
    auto page = reader.changes(cursor, 50);
    for (const auto& e : page["entries"])
      if (e.contains("record") && e["record"]["type"] == "case_note") seen.insert(e["record"]["id"].get<std::string>());
    cursor = page["cursor"];
    more = page["more"];
  }
  CHECK(failures == 0);
  CHECK(seen.size() == static_cast<std::size_t>(kWriters * kBatches * kPerBatch));
  CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == seen.size());
}

TEST_CASE("pushes that share a commit: one refused whole leaves the others applied, each exactly once") {
  TestServer s;
  s.add_worker("sam");
  s.add_person("p1", "Dana Whitfield");
  s.add_case("p1", "c1", "sam");
  constexpr int kWriters = 6, kBatches = 8, kPerBatch = 4;
  std::vector<std::unique_ptr<TestDevice>> writers;
  for (int i = 0; i < kWriters; ++i) writers.push_back(std::make_unique<TestDevice>(s, "sam"));
  TestDevice stale(s, "sam");  // names an epoch the hub never had: every push refused whole
  auto note = [](TestDevice& d, const std::string& id) {
    return d.op("case_note", id, "create",
                {{"case_id", "c1"}, {"body", id}, {"visibility", "normal"}, {"author", "sam"}, {"state", "final"},
                 {"written_at", "2026-11-25T09:00:00Z"}});
  };
  // Every request is made here, before the threads start: the threads only send (the
  // fixture's helpers use Catch2's macros, which are not for other threads).
  std::vector<std::vector<json>> bodies(kWriters);
  for (int w = 0; w < kWriters; ++w)
    for (int b = 0; b < kBatches; ++b) {
      json ops = json::array();
      for (int k = 0; k < kPerBatch; ++k)
        ops.push_back(note(*writers[w], "n-" + std::to_string(w) + "-" + std::to_string(b) + "-" + std::to_string(k)));
      bodies[w].push_back({{"operations", ops}});
    }
  std::vector<json> stale_bodies;
  for (int b = 0; b < kBatches; ++b)
    stale_bodies.push_back(
        {{"operations", json::array({note(stale, "stale-" + std::to_string(b))})}, {"epoch", "not-this-hub"}});

  std::atomic<int> failures{0}, refused{0};
  std::mutex first_mu;
  std::string first_failure;  // what went wrong first, for the report
  auto failed = [&](const std::string& why) {
    ++failures;
    std::lock_guard<std::mutex> g(first_mu);
    if (first_failure.empty()) first_failure = why;
  };
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w)
    threads.emplace_back([&, w] {
      const std::string& token = writers[w]->access_token;
      for (const auto& body : bodies[w]) {
        auto r = s.call_json("POST", "/v1/sync/push", body, token);
        if (r.status != 200) failed("push: " + std::to_string(r.status) + " " + r.body);
        // The same request again (a lost answer): the same results, nothing applied twice.
        auto again = s.call_json("POST", "/v1/sync/push", body, token);
        if (again.status != 200 || again.json["results"] != r.json["results"])
          failed("replay: " + std::to_string(again.status) + " " + again.body + " first " + r.body);
      }
    });
  threads.emplace_back([&] {
    for (const auto& body : stale_bodies) {
      auto r = s.call_json("POST", "/v1/sync/push", body, stale.access_token);
      if (r.status == 409 && r.error_code() == "restored") ++refused;
      else failed("stale push: " + std::to_string(r.status) + " " + r.body);
    }
  });
  for (auto& t : threads) t.join();
  INFO(first_failure);
  CHECK(failures == 0);
  CHECK(refused == kBatches);
  TestDevice reader(s, "sam");
  std::multiset<std::string> notes;
  for (const auto& e : reader.pull_all())
    if (e.contains("record") && e["record"]["type"] == "case_note") notes.insert(e["record"]["id"].get<std::string>());
  CHECK(notes.size() == static_cast<std::size_t>(kWriters * kBatches * kPerBatch));
  CHECK(std::set<std::string>(notes.begin(), notes.end()).size() == notes.size());
  CHECK(notes.count("stale-0") == 0);
}

TEST_CASE("with one changes page built at a time, devices pulling at once each get their whole caseload") {
  ServerOptions options;
  options.concurrent_pulls = 1;
  TestServer s(options);
  s.add_worker("sam");
  s.add_person("p1", "Dana Whitfield");
  s.add_case("p1", "c1", "sam");
  TestDevice writer(s, "sam");
  constexpr int kNotes = 40, kReaders = 8;
  json ops = json::array();
  for (int k = 0; k < kNotes; ++k)
    ops.push_back(writer.op("case_note", "n-" + std::to_string(k), "create",
                            {{"case_id", "c1"}, {"body", "note " + std::to_string(k)}, {"visibility", "normal"},
                             {"author", "sam"}, {"state", "final"}, {"written_at", "2026-11-25T09:00:00Z"}}));
  writer.push(ops);
  std::vector<std::unique_ptr<TestDevice>> readers;
  for (int i = 0; i < kReaders; ++i) readers.push_back(std::make_unique<TestDevice>(s, "sam"));

  // Small pages, so that the readers' requests overlap and queue at the gate.
  std::vector<std::set<std::string>> seen(kReaders);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kReaders; ++i)
    threads.emplace_back([&, i] {
      std::string cursor;
      for (bool more = true; more;) {
        auto r = s.call("GET", "/v1/sync/changes?limit=3&cursor=" + cursor, "", readers[i]->access_token);
        if (r.status != 200) {
          ++failures;
          return;
        }
        for (const auto& e : r.json["entries"])
          if (e.contains("record") && e["record"]["type"] == "case_note")
            seen[i].insert(e["record"]["id"].get<std::string>());
        cursor = r.json["cursor"];
        more = r.json["more"];
      }
    });
  for (auto& t : threads) t.join();
  CHECK(failures == 0);
  for (const auto& notes : seen) CHECK(notes.size() == static_cast<std::size_t>(kNotes));
  const auto metrics = s.call("GET", "/metrics").body;
  CHECK(metrics.find("\ndoorstep_changes_page_slots 1\n") != std::string::npos);
  CHECK(metrics.find("\ndoorstep_changes_pages_waiting 0\n") != std::string::npos);
}
