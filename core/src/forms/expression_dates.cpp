// Dates in forms expressions: parsing "YYYY-MM-DD" and ISO-8601 datetimes, days since
// 1970-01-01 as the number form of a date (ODK), and today(), now(), date(), date-time(),
// decimal-date-time(), format-date(). The clock and UTC offset come from the scope.
#include <cmath>
#include <cstdio>

#include "forms/expression_ast.h"

namespace doorstep::forms {
namespace {

constexpr std::int64_t kMsPerDay = 86'400'000;
// Days of 0000-01-01 and 9999-12-31: the years four-digit text can hold.
constexpr std::int64_t kMinDay = -719'528;
constexpr std::int64_t kMaxDay = 2'932'896;

struct Civil {
  std::int64_t year;
  int month;
  int day;
};

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian).
std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  y -= m <= 2;
  std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  std::int64_t yoe = y - era * 400;
  std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Civil civil_from_days(std::int64_t z) {
  z += 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  std::int64_t doe = z - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2), m, d};
}

bool leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int days_in_month(std::int64_t y, int m) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : days[m - 1];
}

// Reads exactly n digits at s[i...]; advances i. -1 when they are not all digits.
int digits(std::string_view s, std::size_t& i, int n) {
  if (i + n > s.size()) return -1;
  int v = 0;
  for (int k = 0; k < n; ++k) {
    char c = s[i + k];
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  i += n;
  return v;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
const char* const kWeekdays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};

// "YYYY-MM-DDTHH:MM:SS.mmm+HH:MM" for an instant seen at a UTC offset.
std::optional<std::string> format_instant(std::int64_t epoch_ms, int offset_minutes) {
  std::int64_t local = epoch_ms + std::int64_t{offset_minutes} * 60'000;
  std::int64_t days = floor_div(local, kMsPerDay);
  auto day = format_day(days);
  if (!day) return std::nullopt;
  std::int64_t ms = local - days * kMsPerDay;
  int off = std::abs(offset_minutes);
  char buf[48];
  std::snprintf(buf, sizeof buf, "T%02d:%02d:%02d.%03d%c%02d:%02d", static_cast<int>(ms / 3'600'000),
                static_cast<int>(ms / 60'000 % 60), static_cast<int>(ms / 1000 % 60),
                static_cast<int>(ms % 1000), offset_minutes < 0 ? '-' : '+', off / 60 % 100,
                off % 60);
  return *day + buf;
}

// The date a value names: date or datetime text as written, a number as days since the
// epoch (its fraction a time of day, UTC).
std::optional<DateTime> date_of(const Value& v) {
  if (auto* s = std::get_if<std::string>(&v)) {
    if (auto dt = parse_date(*s)) return dt;
  }
  double n = arith_number(v);
  if (std::isnan(n) || n < kMinDay || n >= kMaxDay + 1) return std::nullopt;
  DateTime dt;
  double whole = std::floor(n);
  dt.days = static_cast<std::int64_t>(whole);
  dt.ms_of_day = std::clamp<std::int64_t>(std::llround((n - whole) * kMsPerDay), 0, kMsPerDay - 1);
  dt.has_time = dt.ms_of_day != 0;
  return dt;
}

// The scope's clock and offset, clamped so that arithmetic on them cannot overflow: an
// offset beyond a day, or a clock outside years 0000..9999, gives empty dates.
std::int64_t scope_now_ms(const ExpressionScope& scope) {
  constexpr std::int64_t kLimit = (kMaxDay + 2) * kMsPerDay;
  return std::clamp<std::int64_t>(scope.now_ms(), -kLimit, kLimit);
}
int scope_offset(const ExpressionScope& scope) {
  return std::clamp(scope.utc_offset_minutes(), -1440, 1440);
}

Result<Value> fn_today(Call& c) {
  std::int64_t local = scope_now_ms(c.scope()) + std::int64_t{scope_offset(c.scope())} * 60'000;
  auto day = format_day(floor_div(local, kMsPerDay));
  return day ? Value(*day) : Value{};
}

Result<Value> fn_now(Call& c) {
  auto text = format_instant(scope_now_ms(c.scope()), scope_offset(c.scope()));
  return text ? Value(*text) : Value{};
}

// date(x): the date part of a date or datetime, or days since the epoch as a date.
Result<Value> fn_date(Call& c) {
  FORMS_TRY_ASSIGN(v, c.arg(0));
  auto dt = date_of(v);
  if (!dt) return Value{};
  auto day = format_day(dt->days);
  return day ? Value(*day) : Value{};
}

// date-time(x): a datetime for a date or a number of days, at the scope's UTC offset.
Result<Value> fn_date_time(Call& c) {
  FORMS_TRY_ASSIGN(v, c.arg(0));
  auto dt = date_of(v);
  if (!dt) return Value{};
  auto text = format_instant(dt->epoch_ms(), scope_offset(c.scope()));
  return text ? Value(*text) : Value{};
}

Result<Value> fn_decimal_date_time(Call& c) {
  FORMS_TRY_ASSIGN(v, c.arg(0));
  auto dt = date_of(v);
  return dt ? Value(dt->epoch_days()) : Value{};
}

// format-date(date, format): %Y %y %m %n %d %e %H %h %M %S %3 %a %b; other text is copied.
Result<Value> fn_format_date(Call& c) {
  FORMS_TRY_ASSIGN(v, c.arg(0));
  FORMS_TRY_ASSIGN(format_v, c.arg(1));
  std::string format = to_text(format_v);
  DOORSTEP_TRY(c.charge(format.size()));
  auto dt = date_of(v);
  if (!dt) return Value(std::string());
  Civil civil = civil_from_days(dt->days);
  std::int64_t ms = dt->ms_of_day;
  std::string out;
  char buf[32];
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%' || i + 1 == format.size()) {
      out += format[i];
    } else {
      switch (format[++i]) {
        case 'Y': std::snprintf(buf, sizeof buf, "%04lld", static_cast<long long>(civil.year)); break;
        case 'y': std::snprintf(buf, sizeof buf, "%02lld", static_cast<long long>(civil.year % 100)); break;
        case 'm': std::snprintf(buf, sizeof buf, "%02d", civil.month); break;
        case 'n': std::snprintf(buf, sizeof buf, "%d", civil.month); break;
        case 'd': std::snprintf(buf, sizeof buf, "%02d", civil.day); break;
        case 'e': std::snprintf(buf, sizeof buf, "%d", civil.day); break;
        case 'H': std::snprintf(buf, sizeof buf, "%02d", static_cast<int>(ms / 3'600'000)); break;
        case 'h': std::snprintf(buf, sizeof buf, "%d", static_cast<int>(ms / 3'600'000)); break;
        case 'M': std::snprintf(buf, sizeof buf, "%02d", static_cast<int>(ms / 60'000 % 60)); break;
        case 'S': std::snprintf(buf, sizeof buf, "%02d", static_cast<int>(ms / 1000 % 60)); break;
        case '3': std::snprintf(buf, sizeof buf, "%03d", static_cast<int>(ms % 1000)); break;
        case 'a': std::snprintf(buf, sizeof buf, "%s", kWeekdays[((dt->days % 7) + 7) % 7]); break;
        case 'b': std::snprintf(buf, sizeof buf, "%s", kMonths[civil.month - 1]); break;
        default: std::snprintf(buf, sizeof buf, "%%%c", format[i]); break;
      }
      out += buf;
    }
    if (out.size() > c.limits().max_text) return c.too_much_text();
  }
  return Value(std::move(out));
}

}  // namespace

double DateTime::epoch_days() const { return static_cast<double>(epoch_ms()) / kMsPerDay; }

std::int64_t DateTime::epoch_ms() const {
  return days * kMsPerDay + ms_of_day - std::int64_t{offset_minutes} * 60'000;
}

std::optional<DateTime> parse_date(std::string_view s) {
  std::size_t i = 0;
  int y = digits(s, i, 4);
  if (y < 0 || i >= s.size() || s[i++] != '-') return std::nullopt;
  int m = digits(s, i, 2);
  if (m < 1 || m > 12 || i >= s.size() || s[i++] != '-') return std::nullopt;
  int d = digits(s, i, 2);
  if (d < 1 || d > days_in_month(y, m)) return std::nullopt;
  DateTime dt;
  dt.days = days_from_civil(y, m, d);
  if (i == s.size()) return dt;
  if (s[i++] != 'T') return std::nullopt;
  int hh = digits(s, i, 2);
  if (hh < 0 || hh > 23 || i >= s.size() || s[i++] != ':') return std::nullopt;
  int mm = digits(s, i, 2);
  if (mm < 0 || mm > 59) return std::nullopt;
  int ss = 0, ms = 0;
  if (i < s.size() && s[i] == ':') {
    ++i;
    ss = digits(s, i, 2);
    if (ss < 0 || ss > 59) return std::nullopt;
    if (i < s.size() && s[i] == '.') {
      ++i;
      std::size_t start = i;
      for (int scale = 100; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, scale /= 10) {
        ms += (s[i] - '0') * scale;  // digits past milliseconds add 0
      }
      if (i == start) return std::nullopt;
    }
  }
  dt.has_time = true;
  dt.ms_of_day = ((hh * 60 + mm) * 60 + ss) * 1000LL + ms;
  if (i == s.size()) return dt;
  if (s[i] == 'Z' && i + 1 == s.size()) return dt;
  if (s[i] != '+' && s[i] != '-') return std::nullopt;
  int sign = s[i++] == '-' ? -1 : 1;
  int oh = digits(s, i, 2), om = 0;
  if (oh < 0 || oh > 23) return std::nullopt;
  if (i < s.size()) {
    if (s[i] == ':') ++i;
    om = digits(s, i, 2);
    if (om < 0 || om > 59 || i != s.size()) return std::nullopt;
  }
  dt.offset_minutes = sign * (oh * 60 + om);
  return dt;
}

std::optional<std::string> format_day(std::int64_t days) {
  if (days < kMinDay || days > kMaxDay) return std::nullopt;
  Civil c = civil_from_days(days);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(c.year), c.month, c.day);
  return std::string(buf);
}

std::vector<FunctionDef> date_functions() {
  return {
      {"today", 0, 0, false, fn_today},
      {"now", 0, 0, false, fn_now},
      {"date", 1, 1, false, fn_date},
      {"date-time", 1, 1, false, fn_date_time},
      {"decimal-date-time", 1, 1, false, fn_decimal_date_time},
      {"format-date", 2, 2, false, fn_format_date},
      {"format-date-time", 2, 2, false, fn_format_date},
  };
}

}  // namespace doorstep::forms
