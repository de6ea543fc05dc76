// Every list model of the app under QAbstractItemModelTester, over a real encrypted
// store: loading, searching, paging, clearing on lock. A failure here means a
// worker would see a wrong, stale or crashing list.
#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QGuiApplication>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <nlohmann/json.hpp>

#include "app_context.h"
#include "caseload_model.h"
#include "form_controller.h"
#include "doorstep/core/case_notes.h"
#include "doorstep/core/loader.h"
#include "doorstep/platform/camera.h"
#include "doorstep/platform/connectivity.h"
#include "doorstep/platform/location.h"
#include "note_editor.h"
#include "sync_lists.h"
#include "timeline_model.h"
#include "today_model.h"
#include "worker_session.h"

using namespace doorstep;
using Tester = QAbstractItemModelTester;

namespace {
constexpr const char* kPin = "2468";

std::string iso(const QDateTime& t) { return t.toUTC().toString(Qt::ISODateWithMs).toStdString(); }

// Three people; Dana has 120 notes (three timeline pages), a visit due today and one
// under way; Eli's statutory visit is overdue; Fay has a dog marker.
std::string fixture() {
  using nlohmann::json;
  const QDateTime now = QDateTime::currentDateTime();
  json people = json::array({
      {{"id", "p1"}, {"name", "Dana Whitfield"}, {"address", "14 Orchard Row"}, {"markers", {"lone-worker risk"}}},
      {{"id", "p2"}, {"name", "Eli Marsh"}, {"address", "3 Mill Lane"}, {"markers", json::array()}},
      {{"id", "p3"}, {"name", "Fay Okafor"}, {"address", "9 Dock Street"}, {"markers", {"dog at property"}}}});
  json cases = json::array();
  for (int i = 1; i <= 3; ++i)
    cases.push_back({{"id", "c" + std::to_string(i)}, {"person_id", "p" + std::to_string(i)}, {"kind", "children"},
                     {"title", "Child in need"}, {"status", "open"}, {"team", "north"}, {"worker", "alex"},
                     {"visit_interval_days", i == 2 ? json(10) : json(nullptr)}});
  json visits = json::array({
      {{"id", "v1"}, {"case_id", "c1"}, {"planned_start", iso(QDateTime(now.date(), QTime(23, 0)))},
       {"purpose", "statutory visit"}},
      {{"id", "v2"}, {"case_id", "c1"}, {"planned_start", iso(now.addSecs(-3600))}, {"purpose", "school meeting"},
       {"status", "under_way"}, {"checked_in_at", iso(now.addSecs(-1800))}, {"expected_end", iso(now.addSecs(1800))}},
      {{"id", "v3"}, {"case_id", "c2"}, {"planned_start", iso(now.addDays(-40))}, {"purpose", "statutory visit"},
       {"status", "completed"}, {"checked_in_at", iso(now.addDays(-40))}, {"checked_out_at", iso(now.addDays(-40))},
       {"outcome", "seen"}}});
  json notes = json::array();
  for (int i = 0; i < 120; ++i)
    notes.push_back({{"id", "n" + std::to_string(i)}, {"case_id", "c1"}, {"body", "Note number " + std::to_string(i)},
                     {"visibility", "normal"}, {"author", "alex"}, {"state", "final"},
                     {"written_at", iso(now.addDays(-100).addSecs(i * 60))}});
  json forms = json::array();
  std::ifstream form_file(std::string(DOORSTEP_FORMS_DIR) + "/reablement_review.json");
  forms.push_back(json::parse(form_file));
  return json{{"people", people}, {"cases", cases}, {"visits", visits}, {"notes", notes}, {"forms", forms}}.dump();
}
}  // namespace

class AppModelsTest : public QObject {
  Q_OBJECT

 private slots:
  void init() {
    dir_ = std::make_unique<QTemporaryDir>();
    const std::string user_dir = dir_->filePath(QStringLiteral("users/alex")).toStdString();
    auto store = Store::create(user_dir, "alex", SecretString(std::string(kPin)));
    QVERIFY(store.ok());
    auto loaded = load_json(**store, fixture());
    QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().describe().c_str());
    (*store)->lock();
    net_.setOnline(false);  // no hub here: sync must stay out of the way
    ctx_ = std::make_unique<app::AppContext>(dir_->path(), StoreOptions{}, app::PlatformServices{&net_, &location_, &camera_});
    ctx_->session().unlock(QStringLiteral("alex"), QString::fromLatin1(kPin));
    QTRY_COMPARE_WITH_TIMEOUT(ctx_->session().state(), app::WorkerSession::State::Unlocked, 20000);
  }
  void cleanup() {
    ctx_.reset();
    dir_.reset();
  }

  void caseload_lists_and_searches() {
    auto& m = ctx_->caseload();
    Tester tester(&m, Tester::FailureReportingMode::QtTest);
    QCOMPARE(m.rowCount(), 3);
    QCOMPARE(m.data(m.index(0, 0), app::CaseloadModel::PersonNameRole).toString(), QStringLiteral("Dana Whitfield"));
    QCOMPARE(m.data(m.index(0, 0), app::CaseloadModel::MarkersRole).toStringList(), QStringList{"lone-worker risk"});
    QVERIFY(m.data(m.index(1, 0), app::CaseloadModel::OverdueRole).toBool());  // Eli: last visit 40 days ago
    m.setSearch(QStringLiteral("dock"));
    QCOMPARE(m.rowCount(), 1);
    QCOMPARE(m.data(m.index(0, 0), app::CaseloadModel::PersonIdRole).toString(), QStringLiteral("p3"));
    m.setSearch(QStringLiteral("\"unbalanced OR"));
    QCOMPARE(m.error(), QString());
    m.setSearch({});
    QCOMPARE(m.rowCount(), 3);
  }

  void timeline_pages_as_it_scrolls() {
    auto& m = ctx_->timeline();
    Tester tester(&m, Tester::FailureReportingMode::QtTest);
    m.open(QStringLiteral("p1"));
    QCOMPARE(m.personName(), QStringLiteral("Dana Whitfield"));
    QCOMPARE(m.markers(), QStringList{"lone-worker risk"});
    QCOMPARE(m.caseId(), QStringLiteral("c1"));
    QCOMPARE(m.rowCount(), app::TimelineModel::kPageSize);
    int pages = 1;
    while (m.canFetchMore({})) {
      m.fetchMore({});
      ++pages;
      QVERIFY(pages < 10);
    }
    QCOMPARE(m.rowCount(), 122);  // 120 notes, 2 visits
    m.open(QStringLiteral("p3"));
    QCOMPARE(m.rowCount(), 0);
    QCOMPARE(m.markers(), QStringList{"dog at property"});
  }

  void a_saved_note_is_first_in_the_timeline() {
    auto& m = ctx_->timeline();
    Tester tester(&m, Tester::FailureReportingMode::QtTest);
    m.open(QStringLiteral("p2"));
    auto& notes = ctx_->notes();
    notes.start(QStringLiteral("c2"));
    notes.setBody(QStringLiteral("Met at school; settled"));
    QVERIFY(notes.finalise());
    QCOMPARE(m.data(m.index(0, 0), app::TimelineModel::SummaryRole).toString(), QStringLiteral("Met at school; settled"));
    QCOMPARE(m.data(m.index(0, 0), app::TimelineModel::KindRole).toString(), QStringLiteral("note"));
  }

  void today_orders_under_way_due_overdue() {
    auto& m = ctx_->today();
    Tester tester(&m, Tester::FailureReportingMode::QtTest);
    QCOMPARE(m.rowCount(), 3);
    auto at = [&](int row, int role) { return m.data(m.index(row, 0), role).toString(); };
    QCOMPARE(at(0, app::TodayModel::SectionRole), QStringLiteral("under_way"));
    QCOMPARE(at(0, app::TodayModel::VisitIdRole), QStringLiteral("v2"));
    const int left = m.data(m.index(0, 0), app::TodayModel::MinutesLeftRole).toInt();
    QVERIFY2(left >= 28 && left <= 30, qPrintable(QString::number(left)));
    QCOMPARE(at(1, app::TodayModel::SectionRole), QStringLiteral("due"));
    QCOMPARE(at(1, app::TodayModel::VisitIdRole), QStringLiteral("v1"));
    QCOMPARE(at(2, app::TodayModel::SectionRole), QStringLiteral("overdue"));
    QCOMPARE(at(2, app::TodayModel::PersonNameRole), QStringLiteral("Eli Marsh"));
    QCOMPARE(m.underWay(), 1);
  }

  void sync_lists_show_waiting_conflicts_and_quarantine() {
    Store& store = *ctx_->session().store();
    QVERIFY(store.write([](Writer& w) -> Status {
      Record c{"conflict", "k1", 5, "", false,
               {{"record_type", std::string("visit")}, {"record_id", std::string("v1")}, {"case_id", std::string("c1")},
                {"field", std::string("purpose")}, {"kept_value", std::string("\"review\"")},
                {"other_value", std::string("\"joint visit\"")}, {"kept_author", std::string("office")},
                {"other_author", std::string("alex")}}};
      DOORSTEP_TRY(w.put_base(c));
      Record q{"quarantine", "q1", 0, "", false,
               {{"op_id", std::string("op1")}, {"record_type", std::string("case_note")},
                {"record_id", std::string("n1")}, {"operation", std::string("{}")},
                {"reason", std::string("not in your caseload")},
                {"quarantined_at", std::string("2026-11-25T09:00:00.000Z")}}};
      return w.put_base(q);
    }).ok());
    auto& conflicts = ctx_->conflicts();
    auto& quarantine = ctx_->quarantine();
    auto& outbox = ctx_->outbox();
    Tester t1(&conflicts, Tester::FailureReportingMode::QtTest);
    Tester t2(&quarantine, Tester::FailureReportingMode::QtTest);
    Tester t3(&outbox, Tester::FailureReportingMode::QtTest);
    conflicts.reload();
    quarantine.reload();
    outbox.reload();
    QCOMPARE(conflicts.rowCount(), 1);
    QCOMPARE(conflicts.data(conflicts.index(0, 0), Qt::UserRole + 2).toString(), QStringLiteral("Dana Whitfield"));
    QCOMPARE(conflicts.data(conflicts.index(0, 0), Qt::UserRole + 4).toString(), QStringLiteral("review"));
    QCOMPARE(conflicts.data(conflicts.index(0, 0), Qt::UserRole + 6).toString(), QStringLiteral("joint visit"));
    QCOMPARE(quarantine.rowCount(), 1);
    QCOMPARE(quarantine.data(quarantine.index(0, 0), Qt::UserRole + 2).toString(), QStringLiteral("not in your caseload"));
    QCOMPARE(outbox.rowCount(), 0);
    ctx_->notes().start(QStringLiteral("c1"));
    ctx_->notes().setBody(QStringLiteral("Phoned mum"));
    QVERIFY(ctx_->notes().finalise());
    QCOMPARE(outbox.rowCount(), 1);
    QCOMPARE(outbox.data(outbox.index(0, 0), Qt::UserRole + 1).toString(), QStringLiteral("New case note"));
    QVERIFY(conflicts.resolve(QStringLiteral("k1"), QStringLiteral("other")));
    QCOMPARE(conflicts.rowCount(), 0);
  }

  void form_questions_follow_answers_and_repeats() {
    auto& form = ctx_->form();
    auto& m = *form.questions();
    Tester tester(&m, Tester::FailureReportingMode::QtTest);
    QVERIFY(form.open(QStringLiteral("reablement_review"), QStringLiteral("c1")));
    const int rows = m.rowCount();
    QVERIFY(rows > 10);
    auto row_of = [&](const QString& path) {
      for (int i = 0; i < m.rowCount(); ++i)
        if (m.data(m.index(i, 0), app::FormQuestionsModel::PathRole).toString() == path &&
            m.data(m.index(i, 0), app::FormQuestionsModel::KindRole).toString() == QLatin1String("question"))
          return i;
      return -1;
    };
    const int mobility = row_of(QStringLiteral("progress_mobility"));
    QVERIFY(mobility >= 0);
    QVERIFY(!m.data(m.index(mobility, 0), app::FormQuestionsModel::RelevantRole).toBool());
    form.answer(QStringLiteral("goal_areas"), QStringLiteral("mobility meals"));
    QCOMPARE(m.rowCount(), rows);  // relevance hides and shows; rows stay
    QVERIFY(m.data(m.index(mobility, 0), app::FormQuestionsModel::RelevantRole).toBool());
    form.answer(QStringLiteral("walk_distance_m"), QStringLiteral("lots"));
    QVERIFY(!m.data(m.index(row_of(QStringLiteral("walk_distance_m")), 0), app::FormQuestionsModel::ProblemRole)
                 .toString()
                 .isEmpty());
    form.addRepeat(QStringLiteral("tasks"));
    QVERIFY(m.rowCount() > rows);
    QVERIFY(row_of(QStringLiteral("tasks[1]/task_title")) >= 0);
    form.removeRepeat(QStringLiteral("tasks"), 1);
    QCOMPARE(m.rowCount(), rows);
    QVERIFY(!form.submit());
    QVERIFY(!form.problems().isEmpty());
    form.close();
    QCOMPARE(m.rowCount(), 0);
  }

  void lock_empties_every_model() {
    ctx_->timeline().open(QStringLiteral("p1"));
    ctx_->outbox().reload();
    ctx_->session().lock();
    QCOMPARE(ctx_->caseload().rowCount(), 0);
    QCOMPARE(ctx_->timeline().rowCount(), 0);
    QCOMPARE(ctx_->timeline().personName(), QString());
    QCOMPARE(ctx_->today().rowCount(), 0);
    QCOMPARE(ctx_->conflicts().rowCount(), 0);
    QCOMPARE(ctx_->quarantine().rowCount(), 0);
    QCOMPARE(ctx_->outbox().rowCount(), 0);
    QVERIFY(ctx_->session().store() == nullptr);
  }

 private:
  std::unique_ptr<QTemporaryDir> dir_;
  platform::ManualConnectivity net_;
  platform::FixedLocation location_;
  platform::StillFileCamera camera_{QString()};
  std::unique_ptr<app::AppContext> ctx_;
};

QTEST_MAIN(AppModelsTest)
#include "app_models_test.moc"
