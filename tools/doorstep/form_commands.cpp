// form (list, start, answer, show, submit, drafts, discard): filling in forms about a
// case with core's CaseForms. Drafts live in the encrypted store between commands.
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli.h"
#include "doorstep/core/case_forms.h"
#include "doorstep/core/forms/form_records.h"

namespace doorstep::cli {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxAnswersFile = 8u << 20;

json draft_json(const FormDraft& d) {
  return {{"id", d.id},
          {"case_id", d.case_id},
          {"form_id", d.form_id},
          {"version", d.version},
          {"latest_version", d.latest_version},
          {"title", d.title},
          {"started_at", d.started_at},
          {"saved_at", d.saved_at}};
}

std::string draft_line(const FormDraft& d) {
  std::string h = d.title + " (version " + std::to_string(d.version) + ") on case " + d.case_id + ", draft " + d.id +
                  ", saved " + short_time(d.saved_at);
  if (d.latest_version > d.version)
    h += "\n    version " + std::to_string(d.latest_version) +
         " has been published; this draft is finished on the version it was started on";
  return h;
}

json value_json(const forms::Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* b = std::get_if<bool>(&v)) return *b;
  if (const auto* d = std::get_if<double>(&v)) {
    if (*d == static_cast<double>(static_cast<std::int64_t>(*d))) return static_cast<std::int64_t>(*d);
    return *d;
  }
  return nullptr;
}

json problems_json(const std::vector<forms::AnswerProblem>& problems) {
  json out = json::array();
  for (const auto& p : problems) out.push_back({{"path", p.path}, {"message", p.message}});
  return out;
}

Result<json> read_answers(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error(ErrorDomain::io, ErrorCode::not_found, "cannot read " + file);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (ss.str().size() > kMaxAnswersFile)
    return make_error(ErrorDomain::input, ErrorCode::too_large, file + " is larger than 8 MiB");
  auto j = json::parse(ss.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument,
                      file + " is not a JSON object of question name to answer");
  return j;
}

// Every question of the session in survey order, repeat instances expanded.
json questions_json(const forms::FormSession& s, std::string& human) {
  const auto& def = s.definition();
  json out = json::array();
  auto one = [&](const forms::Question& q, const std::string& path, int depth) {
    auto st = s.state(path);
    if (!st) return;
    json e = {{"path", path},        {"type", forms::to_string(q.type)}, {"label", q.label},
              {"relevant", st->relevant}, {"required", st->required}, {"read_only", st->read_only},
              {"problem", st->problem.empty() ? json(nullptr) : json(st->problem)}};
    if (!q.is_container()) e["value"] = value_json(st->value);
    if (q.save_to) e["save_to"] = q.save_to->text();
    out.push_back(e);
    const std::string indent(static_cast<std::size_t>(2 * depth), ' ');
    if (q.is_container()) {
      human += indent + "[" + q.label + "]" + (st->relevant ? "" : " (not asked)") + "\n";
      return;
    }
    human += indent + "  " + path + ": " + (q.label.empty() ? q.name : q.label) + (st->required ? " *" : "");
    if (!st->relevant) human += "  (not asked)";
    else if (!forms::is_empty(st->value)) human += "  = " + forms::to_text(st->value);
    human += "\n";
    if (!st->problem.empty() && st->relevant) human += indent + "    ! " + st->problem + "\n";
  };
  std::vector<int> depth(def.questions.size(), 0);
  for (std::size_t i = 0; i < def.questions.size(); ++i) {
    const auto& q = def.questions[i];
    depth[i] = q.parent >= 0 ? depth[static_cast<std::size_t>(q.parent)] + 1 : 0;
    if (q.repeat >= 0) continue;  // listed per instance below
    one(q, q.name, depth[i]);
    if (q.type != forms::QuestionType::repeat) continue;
    const int n = s.repeat_count(q.name);
    for (int k = 1; k <= n; ++k)
      for (std::size_t m = i + 1; m < def.questions.size(); ++m)
        if (def.questions[m].repeat == static_cast<int>(i)) {
          const auto& mq = def.questions[m];
          const int d = (mq.parent >= 0 ? depth[static_cast<std::size_t>(mq.parent)] + 1 : 0);
          depth[m] = d;
          one(mq, q.name + "[" + std::to_string(k) + "]/" + mq.name, d);
        }
  }
  return out;
}

struct FormArgs {
  std::string case_id, form_id, draft_id, file;
  std::vector<std::string> pictures;  // "PATH=FILE"
};

// --picture PATH=FILE, applied after the --file answers.
Status attach_pictures(CaseForms& forms, forms::FormSession& session, const std::vector<std::string>& pictures) {
  for (const auto& p : pictures) {
    const auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == p.size())
      return make_error(ErrorDomain::input, ErrorCode::invalid_argument,
                        "--picture takes QUESTION=FILE, e.g. photo_1=bags.jpg, not '" + p + "'");
    const std::string path = p.substr(0, eq);
    auto st = forms.attach_picture_file(session, path, p.substr(eq + 1));
    if (!st.ok()) return make_error(st.error().domain, st.error().code, path + ": " + st.error().message);
  }
  return {};
}

}  // namespace

void add_form_commands(CLI::App& app, Context& ctx) {
  auto* form = app.add_subcommand("form", "forms about a case: start, answer, check and submit");
  form->require_subcommand(1);
  auto a = std::make_shared<FormArgs>();

  auto* list = form->add_subcommand("list", "the forms you can start (the latest version of each)");
  list->callback([&ctx] {
    ctx.run = with_store(ctx, [&ctx](Store& s) {
      auto forms = CaseForms(s).available();
      if (!forms) return ctx.fail(forms.error());
      json arr = json::array();
      std::string h;
      for (const auto& f : *forms) {
        arr.push_back({{"form_id", f.form_id}, {"version", f.version}, {"title", f.title}});
        h += f.title + "  (" + f.form_id + ", version " + std::to_string(f.version) + ")\n";
      }
      if (forms->empty()) h = "No forms on this device yet (they arrive with a sync).";
      return ctx.done({{"forms", arr}}, h);
    });
  });

  auto* start = form->add_subcommand("start", "start a form about a case; prints the draft's id");
  start->add_option("--case", a->case_id, "the case's id")->required();
  start->add_option("FORM_ID", a->form_id, "the form, as `form list` shows it")->required();
  start->callback([&ctx, a] {
    ctx.run = with_store(ctx, [&ctx, a](Store& s) {
      auto open = CaseForms(s).start(a->case_id, a->form_id);
      if (!open) return ctx.fail(open.error());
      return ctx.done({{"draft", draft_json(open->draft)}}, open->draft.id);
    });
  });

  auto* answer = form->add_subcommand("answer", "answer questions of a draft from a JSON file and pictures, and save it");
  answer->add_option("DRAFT_ID", a->draft_id, "the draft's id")->required();
  answer->add_option("--file", a->file, "JSON: {\"question\": answer, \"repeat\": [{...}, ...]}");
  answer->add_option("--picture", a->pictures,
                     "QUESTION=FILE: a JPEG, PNG, HEIC or WebP for an image or signature question "
                     "(repeatable; a path such as rooms[2]/photo inside a repeat)");
  answer->callback([&ctx, a] {
    ctx.run = [&ctx, a] {
      if (a->file.empty() && a->pictures.empty())
        return ctx.fail(make_error(ErrorDomain::input, ErrorCode::invalid_argument,
                                   "give the answers with --file, --picture or both"));
      Result<json> answers = json::object();
      if (!a->file.empty()) answers = read_answers(a->file);
      if (!answers) return ctx.fail(answers.error());
      return with_store(ctx, [&ctx, a, answers](Store& s) {
        CaseForms forms(s);
        auto open = forms.resume(a->draft_id);
        if (!open) return ctx.fail(open.error());
        // A refused answer or picture saves nothing: the draft stays as it was, and the
        // pictures this command put in the blob store are removed again.
        if (auto st = fill_answers(open->session, *answers); !st.ok()) return ctx.fail(st.error());
        if (auto st = attach_pictures(forms, open->session, a->pictures); !st.ok()) {
          (void)forms.abandon(open->session);
          return ctx.fail(st.error());
        }
        if (auto st = forms.save(a->draft_id, open->session); !st.ok()) {
          (void)forms.abandon(open->session);
          return ctx.fail(st.error());
        }
        auto problems = open->session.problems();
        std::string h = "Saved the answers to draft " + a->draft_id + ".";
        if (!problems.empty()) h += " Still to do: " + forms::describe_problems(problems);
        return ctx.done({{"draft", draft_json(open->draft)}, {"problems", problems_json(problems)}}, h);
      })();
    };
  });

  auto* show = form->add_subcommand("show", "a draft's questions with their answers, what is asked, and problems");
  show->add_option("DRAFT_ID", a->draft_id, "the draft's id")->required();
  show->callback([&ctx, a] {
    ctx.run = with_store(ctx, [&ctx, a](Store& s) {
      auto open = CaseForms(s).resume(a->draft_id);
      if (!open) return ctx.fail(open.error());
      std::string h = draft_line(open->draft) + "\n";
      json questions = questions_json(open->session, h);
      json progress = json::array();
      for (const auto& p : open->session.progress())
        progress.push_back({{"section", p.name},
                            {"label", p.label},
                            {"relevant", p.relevant},
                            {"questions", p.questions},
                            {"answered", p.answered},
                            {"required", p.required},
                            {"required_answered", p.required_answered}});
      auto problems = open->session.problems();
      h += problems.empty() ? "Ready to submit." : std::to_string(problems.size()) + " to put right before submitting.";
      return ctx.done({{"draft", draft_json(open->draft)},
                       {"questions", questions},
                       {"progress", progress},
                       {"problems", problems_json(problems)}},
                      h);
    });
  });

  auto* submit = form->add_subcommand("submit", "submit a draft (sent on the next sync); refused while it has problems");
  submit->add_option("DRAFT_ID", a->draft_id, "the draft's id")->required();
  submit->callback([&ctx, a] {
    ctx.run = with_store(ctx, [&ctx, a](Store& s) {
      CaseForms forms(s);
      auto open = forms.resume(a->draft_id);
      if (!open) return ctx.fail(open.error());
      auto out = forms.submit(a->draft_id, open->session);
      if (!out) return ctx.fail(out.error());
      if (!out->ok()) {
        const auto n = out->problems.size();
        Error e = make_error(ErrorDomain::input, ErrorCode::invalid_argument,
                             "the form has " + std::to_string(n) + (n == 1 ? " problem: " : " problems: ") +
                                 forms::describe_problems(out->problems) + "; nothing was submitted");
        if (ctx.json) {
          json doc = error_json(e);
          doc["problems"] = problems_json(out->problems);
          std::cout << dump(doc) << "\n";
        }
        std::cerr << "doorstep: " << e.message << "\n";
        return kExitFailed;
      }
      json saved = json::array();
      std::string h = "Submitted " + open->draft.title + " (version " + std::to_string(open->draft.version) +
                      ") as " + out->submission->id + "; it is sent on the next sync.";
      for (const auto& r : out->saved_to) {
        saved.push_back(record_json(r));
        h += "\n  also saved to the " + r.type + " record " + r.id;
      }
      json attachments = json::array();
      for (const auto& r : out->attachments) attachments.push_back(record_json(r));
      if (!out->attachments.empty())
        h += "\n  with " + std::to_string(out->attachments.size()) + " picture(s), sent before it";
      return ctx.done({{"submission", record_json(*out->submission)}, {"saved_to", saved}, {"attachments", attachments}},
                      h);
    });
  });

  auto* drafts = form->add_subcommand("drafts", "forms being filled in on this device");
  drafts->add_option("--case", a->case_id, "only this case's");
  drafts->callback([&ctx, a] {
    ctx.run = with_store(ctx, [&ctx, a](Store& s) {
      auto list = CaseForms(s).drafts(a->case_id);
      if (!list) return ctx.fail(list.error());
      json arr = json::array();
      std::string h;
      for (const auto& d : *list) {
        arr.push_back(draft_json(d));
        h += draft_line(d) + "\n";
      }
      if (list->empty()) h = "No forms being filled in.";
      return ctx.done({{"drafts", arr}}, h);
    });
  });

  auto* discard = form->add_subcommand("discard", "delete a draft and its answers");
  discard->add_option("DRAFT_ID", a->draft_id, "the draft's id")->required();
  discard->callback([&ctx, a] {
    ctx.run = with_store(ctx, [&ctx, a](Store& s) {
      if (auto st = CaseForms(s).discard(a->draft_id); !st.ok()) return ctx.fail(st.error());
      return ctx.done({{"discarded", a->draft_id}}, "Discarded form draft " + a->draft_id);
    });
  });
}

}  // namespace doorstep::cli
