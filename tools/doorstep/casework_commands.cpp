// caseload, timeline, note (add, edit, finalise, amend, discard, drafts).
#include "cli.h"
#include "doorstep/core/case_notes.h"
#include "doorstep/core/caseload.h"
#include "doorstep/core/timeline.h"

namespace doorstep::cli {

namespace {

int caseload(Context& ctx, const std::string& search) {
  auto store = ctx.open_store();
  if (!store) return ctx.fail(store.error());
  auto list = Caseload(**store).list(search);
  if (!list) return ctx.fail(list.error());
  nlohmann::json arr = nlohmann::json::array();
  std::string h;
  for (const auto& e : *list) {
    arr.push_back({{"case_id", e.case_id},
                   {"person_id", e.person_id},
                   {"person_name", e.person_name},
                   {"kind", e.kind},
                   {"status", e.status},
                   {"title", e.title},
                   {"markers", e.markers},
                   {"next_visit", e.next_visit ? nlohmann::json(*e.next_visit) : nlohmann::json(nullptr)},
                   {"last_visit", e.last_visit ? nlohmann::json(*e.last_visit) : nlohmann::json(nullptr)},
                   {"visit_overdue", e.visit_overdue}});
    h += e.person_name + "  (" + e.kind + ", " + e.status + ")";
    if (!e.title.empty()) h += "  " + e.title;
    h += "\n    person " + e.person_id + "  case " + e.case_id;
    if (e.next_visit) h += "  next visit " + short_time(*e.next_visit);
    if (e.visit_overdue) h += "  STATUTORY VISIT OVERDUE";
    for (const auto& m : e.markers) h += "\n    ! " + m;
    h += "\n";
  }
  if (list->empty()) h = search.empty() ? "No cases on this device." : "No cases match \"" + search + "\".";
  return ctx.done({{"cases", arr}, {"count", arr.size()}}, h);
}

int timeline(Context& ctx, const std::string& person, const std::string& cursor, int limit) {
  auto store = ctx.open_store();
  if (!store) return ctx.fail(store.error());
  auto page = Timeline(**store).page(person, cursor, limit);
  if (!page) return ctx.fail(page.error());
  nlohmann::json entries = nlohmann::json::array();
  std::string h = page->person.text("name") + " (person " + person + ")\n";
  for (const auto& m : page->markers) h += "  ! " + m + "\n";
  for (const auto& e : page->entries) {
    entries.push_back({{"kind", e.kind}, {"id", e.id}, {"case_id", e.case_id}, {"at", e.at},
                       {"status", e.status}, {"summary", e.summary}});
    h += "  " + short_time(e.at) + "  " + e.kind + " [" + e.status + "]  " + e.summary + "  (" + e.id + ")\n";
  }
  if (page->entries.empty()) h += "  nothing recorded yet\n";
  if (page->next_cursor) h += "  more: --cursor '" + *page->next_cursor + "'\n";
  return ctx.done({{"person", record_json(page->person)},
                   {"markers", page->markers},
                   {"entries", entries},
                   {"next_cursor", page->next_cursor ? nlohmann::json(*page->next_cursor) : nlohmann::json(nullptr)}},
                  h);
}

int note_result(Context& ctx, const Result<Record>& r, const std::string& verb) {
  if (!r) return ctx.fail(r.error());
  return ctx.done(record_json(*r), verb + " note " + r->id + " (" + r->text("state") + ")");
}

struct NoteArgs {
  std::string case_id, id, category;
  bool draft = false, restricted = false;
};

}  // namespace

void add_casework_commands(CLI::App& app, Context& ctx) {
  auto* cl = app.add_subcommand("caseload", "the cases on this device, optionally searched");
  auto search = std::make_shared<std::string>();
  cl->add_option("--search", *search, "words in a person's name or address or in a case note");
  cl->callback([&ctx, search] { ctx.run = [&ctx, search] { return caseload(ctx, *search); }; });

  auto* tl = app.add_subcommand("timeline", "one person's history, newest first");
  auto person = std::make_shared<std::string>();
  auto cursor = std::make_shared<std::string>();
  auto limit = std::make_shared<int>(50);
  tl->add_option("--person", *person, "the person's id")->required();
  tl->add_option("--cursor", *cursor, "continue from an earlier page's next_cursor");
  tl->add_option("--limit", *limit, "entries per page (1-500)")->check(CLI::Range(1, 500));
  tl->callback([&ctx, person, cursor, limit] {
    ctx.run = [&ctx, person, cursor, limit] { return timeline(ctx, *person, *cursor, *limit); };
  });

  auto* note = app.add_subcommand("note", "case notes (text on standard input)");
  note->require_subcommand(1);
  auto a = std::make_shared<NoteArgs>();

  // Every note command opens the store, then acts; the store closes (and its key is
  // zeroed) when the command returns.
  auto with_notes = [&ctx](auto action) {
    return [&ctx, action] {
      auto store = ctx.open_store();
      if (!store) return ctx.fail(store.error());
      CaseNotes notes(**store);
      return action(notes);
    };
  };

  auto* add = note->add_subcommand("add", "write a note on a case; --draft keeps it on this device as a draft");
  add->add_option("--case", a->case_id, "the case's id")->required();
  add->add_option("--category", a->category, "e.g. \"home visit\", \"phone call\"");
  add->add_flag("--draft", a->draft, "save as a draft (not sent; can be edited)");
  add->add_flag("--restricted", a->restricted, "restricted visibility");
  add->callback([&ctx, a, with_notes] {
    ctx.run = [&ctx, a, with_notes] {
      auto body = read_stdin_text(CaseNotes::kMaxNoteBytes);
      if (!body) return ctx.fail(body.error());
      NoteInput in{a->case_id, *body, a->category, a->restricted ? "restricted" : "normal"};
      return with_notes([&ctx, a, in](CaseNotes& n) {
        return note_result(ctx, a->draft ? n.save_draft(in) : n.add(in), a->draft ? "Saved draft" : "Added");
      })();
    };
  });

  auto* edit = note->add_subcommand("edit", "replace a draft's text (standard input)");
  edit->add_option("--id", a->id, "the draft's id")->required();
  edit->callback([&ctx, a, with_notes] {
    ctx.run = [&ctx, a, with_notes] {
      auto body = read_stdin_text(CaseNotes::kMaxNoteBytes);
      if (!body) return ctx.fail(body.error());
      NoteInput in;
      in.body = *body;
      return with_notes([&ctx, a, in](CaseNotes& n) { return note_result(ctx, n.save_draft(in, a->id), "Saved draft"); })();
    };
  });

  auto* fin = note->add_subcommand("finalise", "make a draft final (it is sent on the next sync and never changes)");
  fin->add_option("--id", a->id, "the draft's id")->required();
  fin->callback([&ctx, a, with_notes] {
    ctx.run = with_notes([&ctx, a](CaseNotes& n) { return note_result(ctx, n.finalise(a->id), "Finalised"); });
  });

  auto* amend = note->add_subcommand("amend", "correct a final note with a new note (text on standard input)");
  amend->add_option("--id", a->id, "the final note's id")->required();
  amend->callback([&ctx, a, with_notes] {
    ctx.run = [&ctx, a, with_notes] {
      auto body = read_stdin_text(CaseNotes::kMaxNoteBytes);
      if (!body) return ctx.fail(body.error());
      std::string text = *body;
      return with_notes([&ctx, a, text](CaseNotes& n) { return note_result(ctx, n.amend(a->id, text), "Added amendment"); })();
    };
  });

  auto* discard = note->add_subcommand("discard", "delete a draft that never left this device");
  discard->add_option("--id", a->id, "the draft's id")->required();
  discard->callback([&ctx, a, with_notes] {
    ctx.run = with_notes([&ctx, a](CaseNotes& n) {
      auto st = n.discard_draft(a->id);
      if (!st.ok()) return ctx.fail(st.error());
      return ctx.done({{"discarded", a->id}}, "Discarded draft " + a->id);
    });
  });

  auto* drafts = note->add_subcommand("drafts", "list drafts on this device");
  drafts->callback([&ctx, with_notes] {
    ctx.run = with_notes([&ctx](CaseNotes& n) {
      auto list = n.drafts();
      if (!list) return ctx.fail(list.error());
      nlohmann::json arr = nlohmann::json::array();
      std::string h;
      for (const auto& r : *list) {
        arr.push_back(record_json(r));
        h += short_time(r.text("written_at")) + "  case " + r.text("case_id") + "  " + r.id + "\n    " +
             r.text("body").substr(0, 100) + "\n";
      }
      if (list->empty()) h = "No drafts.";
      return ctx.done({{"drafts", arr}}, h);
    });
  });
}

}  // namespace doorstep::cli
