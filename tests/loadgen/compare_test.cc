// `loadgen compare` on small handmade CSVs written by each test: agreeing, disagreeing shares and
// counts, missing and extra rows, masked cells, scale, out-of-scope files and bad input.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "loadgen/compare.h"
#include "loadgen/compare_cli.h"

using namespace loadgen;
namespace fs = std::filesystem;

namespace {

const char* kDate = "2021-06-20";

// A fresh directory pair: published/ and run/.
struct Dirs {
  fs::path root, published, run;
  explicit Dirs(const std::string& name) {
    root = fs::temp_directory_path() / ("loadgen-compare-test-" + name);
    fs::remove_all(root);
    published = root / "published";
    run = root / "run";
    fs::create_directories(published);
    fs::create_directories(run);
  }
  ~Dirs() { fs::remove_all(root); }
};

void write(const fs::path& dir, const std::string& file, const std::string& body) {
  std::ofstream(dir / (file + ".daily-journalier.csv")) << body;
}

// active_users with a row for another day that must not count, and one for the day.
void write_totals(const Dirs& d, const std::string& published, const std::string& run) {
  write(d.published, "active_users",
        "date,count-nombre\n2021-06-19,999\n2021-06-20," + published + "\n");
  write(d.run, "active_users", "date,count-nombre\n2021-06-19,5\n2021-06-20," + run + "\n");
}

std::string provinces(int on, int qc, int bc) {
  return "date,region,count-nombre\n2021-06-19,ON,1\n2021-06-19,QC,1\n2021-06-19,BC,1\n" +
         std::string("2021-06-20,ON,") + std::to_string(on) + "\n2021-06-20,QC," +
         std::to_string(qc) + "\n2021-06-20,BC," + std::to_string(bc) + "\n";
}

const FileComparison& file(const Comparison& c, const std::string& name) {
  for (const auto& f : c.files) {
    if (f.file == name) return f;
  }
  FAIL("no file " << name);
  return c.files.front();
}

CompareOptions options(double scale = 1.0) {
  CompareOptions o;
  o.date = kDate;
  o.scale = scale;
  return o;
}

int cli(const Dirs& d, double scale = 1.0, const std::string& json = "") {
  CompareCommand c;
  c.out = d.run.string();
  c.published_dir = d.published.string();
  c.json_path = json;
  c.options = options(scale);
  return run_compare_command(c);
}

}  // namespace

TEST_CASE("agreeing files pass: rows on both sides, shares and counts within tolerance, exit 0") {
  Dirs d("agree");
  write_totals(d, "100000", "101000");  // 1 %: within 5 %
  write(d.published, "active_users_pt", provinces(50000, 30000, 20000));
  write(d.run, "active_users_pt", provinces(50500, 30300, 20200));
  const Comparison c = compare_published(d.run.string(), d.published.string(), options());
  CHECK(c.ok());
  const auto& pt = file(c, "active_users_pt");
  CHECK(pt.published_rows == 3);  // the other day's rows are not counted
  CHECK(pt.both == 3);
  CHECK(pt.missing == 0);
  CHECK(pt.extra == 0);
  REQUIRE(pt.max_share_error);
  CHECK(*pt.max_share_error == doctest::Approx(0.0).epsilon(1e-9));
  REQUIRE(pt.max_relative_error);
  CHECK(*pt.max_relative_error == doctest::Approx(0.01));
  CHECK(pt.counts_checked == 3);
  CHECK(c.table().find("PASS: 2/2 files") != std::string::npos);
  CHECK(cli(d) == 0);
}

TEST_CASE("a share off by more than 2 percentage points fails the file, exit 1") {
  Dirs d("share");
  write_totals(d, "100000", "100000");
  write(d.published, "active_users_pt", provinces(50000, 30000, 20000));
  write(d.run, "active_users_pt", provinces(53000, 27000, 20000));  // ON +3 pp, QC -3 pp
  const Comparison c = compare_published(d.run.string(), d.published.string(), options());
  const auto& pt = file(c, "active_users_pt");
  REQUIRE(pt.max_share_error);
  CHECK(*pt.max_share_error == doctest::Approx(0.03));
  CHECK_FALSE(pt.ok());
  CHECK(pt.problems.front().find("share of") != std::string::npos);
  CHECK(file(c, "active_users").ok());
  CHECK_FALSE(c.ok());
  CHECK(c.table().find("FAIL: share of") != std::string::npos);
  CHECK(cli(d) == 1);
}

TEST_CASE("counts of 1,000 or more off by more than 5 % fail even when shares agree") {
  Dirs d("counts");
  write_totals(d, "100000", "94000");
  write(d.published, "active_users_pt", provinces(500, 300, 200));
  write(d.run, "active_users_pt", provinces(530, 318, 212));  // +6 % but under 1,000
  const Comparison c = compare_published(d.run.string(), d.published.string(), options());
  CHECK(file(c, "active_users_pt").ok());
  CHECK(file(c, "active_users_pt").counts_checked == 0);
  const auto& total = file(c, "active_users");
  REQUIRE(total.max_relative_error);
  CHECK(*total.max_relative_error == doctest::Approx(0.06));
  CHECK_FALSE(total.ok());
  CHECK(cli(d) == 1);
}

TEST_CASE("missing and extra rows fail at full scale; small missing rows are excused at 1/20") {
  Dirs d("rows");
  write_totals(d, "100000", "100000");
  const std::string header = "date,os-se,app_version-version_appli,count-nombre\n";
  write(d.published, "active_users_os_av",
        header +
            "2021-06-20,android,1.2.0,<20\n2021-06-20,android,1.4.4,60000\n2021-06-20,ios,1.4.4,"
            "40000\n");
  write(
      d.run, "active_users_os_av",
      header +
          "2021-06-20,android,1.4.4,60000\n2021-06-20,ios,1.4.4,40000\n2021-06-20,ios,9.9.9,<20\n");
  Comparison c = compare_published(d.run.string(), d.published.string(), options());
  auto f = file(c, "active_users_os_av");
  CHECK(f.missing == 1);
  CHECK(f.extra == 1);
  CHECK(f.problems.size() == 2);
  c = compare_published(d.run.string(), d.published.string(), options(0.05));
  f = file(c, "active_users_os_av");
  CHECK(f.missing == 0);
  CHECK(f.missing_excused == 1);
  CHECK(f.extra == 1);  // a category the real day did not have is never excused
  for (const auto& problem : f.problems) CHECK(problem.find("missing") == std::string::npos);
}

TEST_CASE(
    "masked cells: identical at full scale; at 1/20 a run's <20 agrees with small counts only") {
  Dirs d("masked");
  write_totals(d, "100000", "5000");
  const std::string header = "date,exposure_status-etat_verification,count-nombre\n";
  write(d.published, "exposed_es",
        header + "2021-06-20,exposed-expose,300\n2021-06-20,monitoring-surveillance,<20\n");
  write(d.run, "exposed_es",
        header + "2021-06-20,exposed-expose,<20\n2021-06-20,monitoring-surveillance,<20\n");
  Comparison c = compare_published(d.run.string(), d.published.string(), options());
  auto f = file(c, "exposed_es");
  CHECK(f.masked_cells == 2);
  CHECK(f.masked_agreeing == 1);
  CHECK_FALSE(f.ok());
  // 300 x 0.05 = 15 expected in the run: it could not show it.
  c = compare_published(d.run.string(), d.published.string(), options(0.05));
  f = file(c, "exposed_es");
  CHECK(f.masked_agreeing == 2);
  CHECK(f.ok());
  CHECK_FALSE(f.max_share_error);       // nothing numeric on both sides
  CHECK(file(c, "active_users").ok());  // 5000 / 0.05 = 100000
  // A published <20 against a run number is never consistent, at any scale.
  write(d.run, "exposed_es",
        header + "2021-06-20,exposed-expose,<20\n2021-06-20,monitoring-surveillance,25\n");
  c = compare_published(d.run.string(), d.published.string(), options(0.05));
  CHECK(file(c, "exposed_es").masked_agreeing == 1);
  CHECK_FALSE(file(c, "exposed_es").ok());
  // Nor is a run's <20 against a count it should have shown: 2000 x 0.05 = 100.
  write(d.published, "exposed_es",
        header + "2021-06-20,exposed-expose,2000\n2021-06-20,monitoring-surveillance,<20\n");
  write(d.run, "exposed_es",
        header + "2021-06-20,exposed-expose,<20\n2021-06-20,monitoring-surveillance,<20\n");
  c = compare_published(d.run.string(), d.published.string(), options(0.05));
  CHECK_FALSE(file(c, "exposed_es").ok());
}

TEST_CASE("scale: counts are compared after dividing by it, and only where the run saw enough") {
  Dirs d("scale");
  write_totals(d, "4464499", "223225");  // 1/20 of the published count
  write(d.published, "active_users_pt", provinces(40000, 30000, 20000));
  write(d.run, "active_users_pt", provinces(2200, 1500, 1000));  // ON at 1/20 off by 10 %
  const Comparison c = compare_published(d.run.string(), d.published.string(), options(0.05));
  REQUIRE(file(c, "active_users").max_relative_error);
  CHECK(*file(c, "active_users").max_relative_error < 1e-4);
  // 40,000 x 0.05 = 2,000 expected in the run: checked; 20,000 x 0.05 = 1,000 too; none of them
  // is skipped, and ON's 10 % fails.
  CHECK(file(c, "active_users_pt").counts_checked == 3);
  CHECK_FALSE(file(c, "active_users_pt").ok());
}

TEST_CASE("files that do not come from phones are out of scope; other missing files fail") {
  Dirs d("scope");
  write_totals(d, "100000", "100000");
  write(d.published, "downloads", "date,count-nombre\n2021-06-20,788\n");
  Comparison c = compare_published(d.run.string(), d.published.string(), options());
  CHECK(c.ok());
  CHECK(file(c, "downloads").out_of_scope.find("app-store") != std::string::npos);
  CHECK(c.table().find("out of scope") != std::string::npos);
  write(d.published, "installs", "date,count-nombre\n2021-06-20,3599\n");
  c = compare_published(d.run.string(), d.published.string(), options());
  CHECK_FALSE(file(c, "installs").ok());
  CHECK(file(c, "installs").problems.front() == "the run has no such file");
}

TEST_CASE("a run's output directory leads to its masked bucket's CSVs; JSON result") {
  Dirs d("finddir");
  const fs::path out = d.root / "out";
  const fs::path csv = out / "data" / "s3" / "my-masked" / "csv" / "daily-journalier";
  fs::create_directories(csv);
  write(csv, "active_users", "date,count-nombre\n2021-06-20,100\n");
  CHECK_THROWS_AS(find_run_csv_dir(out.string()), CompareInputError);  // not the default bucket
  std::ofstream(out / "summary.json")
      << R"({"settings":{"effective_emulator_config":{"s3":{"masked_bucket":"my-masked"}}}})";
  CHECK(fs::equivalent(find_run_csv_dir(out.string()), csv));
  write(d.published, "active_users", "date,count-nombre\n2021-06-20,100\n");
  CompareCommand command;
  command.out = out.string();
  command.published_dir = d.published.string();
  command.json_path = (d.root / "compare.json").string();
  command.options = options();
  CHECK(run_compare_command(command) == 0);
  std::ifstream in(command.json_path);
  const auto j = nlohmann::json::parse(in);
  CHECK(j["ok"] == true);
  CHECK(j["date"] == kDate);
  CHECK(j["files"][0]["file"] == "active_users");
  CHECK(j["files"][0]["rows_both"] == 1);
  CHECK(j["tolerances"]["max_share_error_pp"] == 2.0);
}

TEST_CASE("bad input exits 2 naming the file") {
  Dirs d("bad");
  write_totals(d, "100000", "100000");
  write(d.run, "active_users", "date,count-nombre\n2021-06-20,lots\n");
  try {
    compare_published(d.run.string(), d.published.string(), options());
    FAIL("expected an error");
  } catch (const CompareInputError& e) {
    CHECK(std::string(e.what()).find("active_users.daily-journalier.csv: line 2") !=
          std::string::npos);
  }
  CHECK(cli(d) == 2);
  write(d.run, "active_users", "when,count\n");
  CHECK(cli(d) == 2);
  CompareCommand bad_date;
  bad_date.out = d.run.string();
  bad_date.published_dir = d.published.string();
  bad_date.options.date = "20-06-2021";
  CHECK(run_compare_command(bad_date) == 2);
  CompareCommand no_dir = bad_date;
  no_dir.options.date = kDate;
  no_dir.out = (d.root / "nowhere").string();
  CHECK(run_compare_command(no_dir) == 2);
  // A day the published files do not have.
  write_totals(d, "100000", "100000");
  CompareOptions other = options();
  other.date = "2020-01-01";
  CHECK_THROWS_AS(compare_published(d.run.string(), d.published.string(), other),
                  CompareInputError);
}

TEST_CASE("the table joins a run's report.html, once, before its figures") {
  Dirs d("report");
  write_totals(d, "100000", "100000");
  write(d.published, "downloads", "date,count-nombre\n2021-06-20,788\n");
  const fs::path report = d.run / "report.html";
  std::ofstream(report) << "<html><body><section id='figures'>x</section></body></html>";
  CHECK(cli(d) == 0);  // d.run is the OUT directory: its report.html gets the section
  CHECK(cli(d) == 0);
  std::ifstream in(report);
  const std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto section = html.find("<section id='calibration'>");
  REQUIRE(section != std::string::npos);
  CHECK(html.find("<section id='calibration'>", section + 1) == std::string::npos);
  CHECK(section < html.find("<section id='figures'>"));
  CHECK(html.find("out of scope: app-store") != std::string::npos);
  CHECK(html.find("PASS: 1/1 files") != std::string::npos);
}

TEST_CASE("at reduced scale a share is allowed its sampling noise; at full scale 2 points") {
  Dirs d("noise");
  write_totals(d, "2000", "100");
  write(d.published, "installs_os",
        "date,os-se,count-nombre\n2021-06-20,android,800\n2021-06-20,ios,1200\n");
  write(d.run, "installs_os",
        "date,os-se,count-nombre\n2021-06-20,android,45\n2021-06-20,ios,55\n");
  // 45 % against 40 %: 5 points, but 3 standard errors of a share of 100 events are 14.7.
  Comparison c = compare_published(d.run.string(), d.published.string(), options(0.05));
  CHECK(*file(c, "installs_os").max_share_error == doctest::Approx(0.05));
  CHECK(file(c, "installs_os").ok());
  // Of 10,000 events the noise is 1.5 points: 5 points fail.
  write(d.run, "installs_os",
        "date,os-se,count-nombre\n2021-06-20,android,4500\n2021-06-20,ios,5500\n");
  c = compare_published(d.run.string(), d.published.string(), options(0.05));
  CHECK_FALSE(file(c, "installs_os").ok());
  CHECK(file(c, "installs_os").problems.front().find("allowed 2.00") != std::string::npos);
  write(d.run, "installs_os",
        "date,os-se,count-nombre\n2021-06-20,android,45\n2021-06-20,ios,55\n");
  c = compare_published(d.run.string(), d.published.string(), options(1.0));
  CHECK_FALSE(file(c, "installs_os").ok());
}
