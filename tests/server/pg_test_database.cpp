#include "pg_test_database.h"

#include <libpq-fe.h>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <random>

namespace doorstep::test {

namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

std::optional<std::string> postgres_base_url() {
  const char* v = std::getenv("DOORSTEP_TEST_POSTGRES");
  if (v == nullptr || *v == '\0') return std::nullopt;
  std::string value = v;
  if (!value.empty() && value.front() == '/') {
    std::ifstream in(value);
    INFO("DOORSTEP_TEST_POSTGRES names " << value
                                         << ", which does not exist: the PostgreSQL test cluster did not start "
                                            "(see the test postgresql/cluster-start, scripts/pg-cluster)");
    REQUIRE(in.good());
    std::getline(in, value);
  }
  value = trim(value);
  while (!value.empty() && value.back() == '/') value.pop_back();
  INFO("DOORSTEP_TEST_POSTGRES must be a postgresql://USER@HOST:PORT URL, or a file holding one");
  REQUIRE(value.rfind("postgresql://", 0) == 0);
  return value;
}

std::string require_postgres_base_url() {
  auto url = postgres_base_url();
  INFO("this test needs PostgreSQL: run it through ctest (tests named server-pg/…, which start a throwaway "
       "cluster with scripts/pg-cluster), or set DOORSTEP_TEST_POSTGRES=postgresql://USER@HOST:PORT");
  REQUIRE(url.has_value());
  return *url;
}

void PgTestDatabase::admin(const std::string& base_url, const std::string& sql) {
  PGconn* c = PQconnectdb((base_url + "/postgres").c_str());
  INFO("PostgreSQL at " << base_url << ": " << PQerrorMessage(c));
  REQUIRE(PQstatus(c) == CONNECTION_OK);
  PGresult* r = PQexec(c, sql.c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
  const std::string err = ok ? std::string() : PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  INFO(sql << ": " << err);
  REQUIRE(ok);
}

PgTestDatabase::PgTestDatabase(const std::string& base_url) : base_(base_url) {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<std::uint64_t>(rd()) << 32) ^ rd());
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(gen()));
  name_ = std::string("doorstep_test_") + hex;
  url_ = base_ + "/" + name_;
  admin(base_, "CREATE DATABASE " + name_ + " ENCODING 'UTF8' TEMPLATE template0");
}

PgTestDatabase::~PgTestDatabase() {
  // Not REQUIRE: a destructor must not throw. A database left behind goes with the
  // throwaway cluster.
  PGconn* c = PQconnectdb((base_ + "/postgres").c_str());
  if (PQstatus(c) == CONNECTION_OK) PQclear(PQexec(c, ("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)").c_str()));
  PQfinish(c);
}

}  // namespace doorstep::test
