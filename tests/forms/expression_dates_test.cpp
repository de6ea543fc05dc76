// Dates in forms expressions: today() and now() from an injected clock and UTC offset,
// date arithmetic in days (ODK), comparisons of dates and datetimes, format-date().
#include "expression_scope.h"

using namespace doorstep;
using namespace doorstep::forms;
using namespace doorstep::forms::testing;

TEST_CASE("today and now use the scope's clock and UTC offset") {
  MapScope s;  // 2024-03-05T23:30:00Z
  CHECK(text_of("today()", s) == "2024-03-05");
  CHECK(text_of("now()", s) == "2024-03-05T23:30:00.000+00:00");
  s.offset_minutes = 60;  // a worker in Paris: already tomorrow
  CHECK(text_of("today()", s) == "2024-03-06");
  CHECK(text_of("now()", s) == "2024-03-06T00:30:00.000+01:00");
  s.offset_minutes = -300;
  CHECK(text_of("today()", s) == "2024-03-05");
  CHECK(text_of("now()", s) == "2024-03-05T18:30:00.000-05:00");
  s.offset_minutes = 330;
  CHECK(text_of("now()", s) == "2024-03-06T05:00:00.000+05:30");
  s.offset_minutes = 0;
  s.now = 1'709'681'400'123 - 86'400'000LL * 19'787;  // 1970-01-01T23:30:00.123Z
  CHECK(text_of("now()", s) == "1970-01-01T23:30:00.123+00:00");
  s.now = -1;  // before the epoch
  CHECK(text_of("today()", s) == "1969-12-31");
  // A clock or offset far out of range gives empty, not overflow.
  s.now = std::numeric_limits<std::int64_t>::max();
  CHECK(text_of("today()", s) == "");
  CHECK(text_of("now()", s) == "");
  s.now = 0;
  s.offset_minutes = std::numeric_limits<int>::min();
  CHECK(text_of("today()", s) == "1969-12-31");
}

TEST_CASE("date arithmetic works in days since 1970-01-01") {
  MapScope s;
  s.set("dob", std::string("1990-06-15")).set("visit", std::string("2024-03-01"));
  CHECK(text_of("today() + 1", s) == "19788");
  CHECK(text_of("date(today() + 1)", s) == "2024-03-06");
  CHECK(text_of("date(today() - 7)", s) == "2024-02-27");
  CHECK(text_of("date('2024-02-28' + 1)") == "2024-02-29");  // leap year
  CHECK(text_of("date('2023-02-28' + 1)") == "2023-03-01");
  CHECK(text_of("'2024-03-01' - '2024-02-01'") == "29");
  CHECK(text_of("int((today() - ${dob}) div 365.25)", s) == "33");
  CHECK(text_of("today() - ${visit}", s) == "4");
  CHECK(text_of("'2024-01-02T12:00:00Z' - '2024-01-01'") == "1.5");
  CHECK(is_empty(eval("${missing_date} + 1", s)));
  CHECK(is_empty(eval("'2024-02-30' + 1")));  // not a date, not a number
}

TEST_CASE("date, date-time and decimal-date-time") {
  MapScope s;
  CHECK(text_of("date(0)") == "1970-01-01");
  CHECK(text_of("date(19723)") == "2024-01-01");
  CHECK(text_of("date('19723')") == "2024-01-01");
  CHECK(text_of("date(19723.75)") == "2024-01-01");
  CHECK(text_of("date(-1)") == "1969-12-31");
  CHECK(text_of("date('2024-01-01')") == "2024-01-01");
  CHECK(text_of("date('2024-01-01T22:00:00-05:00')") == "2024-01-01");  // as written
  CHECK(text_of("date('not a date')") == "");
  CHECK(text_of("date('2023-02-29')") == "");
  CHECK(text_of("date('2024-13-01')") == "");
  CHECK(text_of("date(pow(10, 300))") == "");
  CHECK(text_of("date(${missing})") == "");
  CHECK(text_of("date-time(0)", s) == "1970-01-01T00:00:00.000+00:00");
  CHECK(text_of("date-time(0.5)", s) == "1970-01-01T12:00:00.000+00:00");
  s.offset_minutes = 120;
  CHECK(text_of("date-time('2024-01-01')", s) == "2024-01-01T02:00:00.000+02:00");
  CHECK(text_of("date-time('x')", s) == "");
  CHECK(text_of("decimal-date-time('1970-01-02T06:00:00Z')") == "1.25");
  CHECK(text_of("decimal-date-time('1970-01-02T06:00:00+06:00')") == "1");
  CHECK(text_of("decimal-date-time('1970-01-02T06:00+0600')") == "1");
  CHECK(text_of("decimal-date-time('2024-01-01')") == "19723");
  CHECK(text_of("decimal-date-time(2.5)") == "2.5");
  CHECK(text_of("decimal-date-time('2024-01-01T25:00:00Z')") == "");
  CHECK(text_of("decimal-date-time('2024-01-01T10:00:00+')") == "");
}

TEST_CASE("dates compare as dates") {
  MapScope s;
  s.set("dob", std::string("1990-06-15")).set("next", std::string("2024-03-06"));
  CHECK(eval("${dob} < today()", s) == Value(true));
  CHECK(eval("${next} > today()", s) == Value(true));
  CHECK(eval("${next} <= today()", s) == Value(false));
  CHECK(eval("today() = '2024-03-05'", s) == Value(true));
  CHECK(eval("today() != '2024-03-05'", s) == Value(false));
  CHECK(eval("today() >= '2024-03-05'", s) == Value(true));
  // 10:00 at +02:00 is 08:00Z: earlier, though its text sorts later.
  CHECK(eval("'2024-01-01T10:00:00+02:00' < '2024-01-01T09:00:00Z'") == Value(true));
  CHECK(eval("'2024-01-01T10:00:00.500Z' > '2024-01-01T10:00:00.499Z'") == Value(true));
  CHECK(eval("'2024-01-02' > '2024-01-01T23:59:59Z'") == Value(true));
  // A date against a number compares days since 1970-01-01.
  CHECK(eval("'2024-01-01' = 19723") == Value(false));  // = on mixed kinds compares text
  CHECK(eval("'2024-01-01' >= 19723") == Value(true));
  CHECK(eval("'2024-01-01' < 19723") == Value(false));
  CHECK(eval("${missing} < today()", s) == Value(false));
}

TEST_CASE("format-date") {
  MapScope s;
  CHECK(text_of("format-date('2024-03-05', '%e %b %Y')") == "5 Mar 2024");
  CHECK(text_of("format-date('2024-03-05', '%d/%m/%y (%a)')") == "05/03/24 (Tue)");
  CHECK(text_of("format-date('2024-03-05', '%n')") == "3");
  CHECK(text_of("format-date('2024-03-05T14:07:09.123+01:00', '%Y-%m-%d %H:%M:%S.%3')") ==
        "2024-03-05 14:07:09.123");
  CHECK(text_of("format-date-time('2024-03-05T04:07:09Z', '%h:%M')") == "4:07");
  CHECK(text_of("format-date(0, '%Y-%m-%d %a')") == "1970-01-01 Thu");
  CHECK(text_of("format-date(today(), '%Y')", s) == "2024");
  CHECK(text_of("format-date('2024-03-05', '100%% %q %')") == "100%% %q %");
  CHECK(text_of("format-date('not a date', '%Y')") == "");
  CHECK(text_of("format-date(${missing}, '%Y')") == "");
  CHECK(text_of("format-date('0001-01-01', '%Y %a')") == "0001 Mon");
}
