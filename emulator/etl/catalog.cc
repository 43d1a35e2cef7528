#include "emulator/etl/catalog.h"

#include <cctype>
#include <charconv>

namespace emu::etl {

const std::vector<FileSpec>& catalog() {
  using D = Dim;
  const auto avg = Aggregation::kAverage;
  const auto sum = Aggregation::kSum;
  static const std::vector<FileSpec> files = {
      {"active_users", "active-user", {}, avg},
      {"active_users_pt", "active-user", {D::kRegion}, avg},
      {"active_users_os", "active-user", {D::kOs}, avg},
      {"active_users_pt_os", "active-user", {D::kRegion, D::kOs}, avg},
      {"active_users_os_av", "active-user", {D::kOs, D::kAppVersion}, avg},
      {"background_checks_nc", "background-check", {D::kChecks}, sum},
      {"background_checks_nc_os", "background-check", {D::kChecks, D::kOs}, sum},
      {"background_checks_nc_os_av", "background-check", {D::kChecks, D::kOs, D::kAppVersion}, sum},
      {"clear_exposed", "exposed-clear", {}, sum},
      {"daily_background_check_started_os", "scheduled-check-started-today", {D::kOs}, avg},
      {"daily_background_check_successfully_completed_os", "scheduled-check-successful-today",
       {D::kOs}, avg},
      {"error_400_keys_download", "error-400-keys-download", {}, sum},
      {"error_400_keys_download_os", "error-400-keys-download", {D::kOs}, sum},
      {"error_500_qr_parse", "error-500-qr-parse", {}, sum},
      {"error_500_qr_parse_os", "error-500-qr-parse", {D::kOs}, sum},
      {"error_500_qr_url", "error-500-qr-url", {}, sum},
      {"error_500_qr_url_os", "error-500-qr-url", {D::kOs}, sum},
      {"exposed", "exposed", {}, sum},
      {"exposed_pt", "exposed", {D::kRegion}, sum},
      {"exposed_pt_os", "exposed", {D::kRegion, D::kOs}, sum},
      {"exposed_es", "exposed", {D::kExposureStatus}, sum},
      {"exposed_pt_es", "exposed", {D::kRegion, D::kExposureStatus}, sum},
      {"installs", "installed", {}, sum},
      {"installs_os", "installed", {D::kOs}, sum},
      {"installs_os_av", "installed", {D::kOs, D::kAppVersion}, sum},
      {"onboarded_os", "onboarded", {D::kOs}, sum},
      {"onboarded_os_av", "onboarded", {D::kOs, D::kAppVersion}, sum},
      {"onboarded_fs_np", "onboarded", {D::kFrameworkStatus, D::kNotification}, sum},
      {"otk", "otk-entered-v2", {}, sum},
      {"otk_pt", "otk-entered-v2", {D::kRegion}, sum},
      {"otk_pt_os", "otk-entered-v2", {D::kRegion, D::kOs}, sum},
      {"otk_es", "otk-entered-v2", {D::kOtkExposure}, sum},
      {"otk_pt_dp", "otk-entered-v2", {D::kRegion, D::kDateProvided}, sum},
      {"qr_code_successfully_scanned", "qr-code-successfully-scanned", {}, sum},
      {"qr_code_successfully_scanned_os", "qr-code-successfully-scanned", {D::kOs}, sum},
  };
  return files;
}

const char* header_of(Dim dim) {
  switch (dim) {
    case Dim::kRegion: return "region";
    case Dim::kOs: return "os-se";
    case Dim::kAppVersion: return "app_version-version_appli";
    case Dim::kChecks: return "number_of_checks-no_verification";
    case Dim::kExposureStatus:
    case Dim::kOtkExposure: return "exposure_status-etat_verification";
    case Dim::kDateProvided: return "date_provided-date_fournie";
    case Dim::kFrameworkStatus: return "framework_status-etat_cadre";
    case Dim::kNotification: return "notification_permission-permission_notif";
  }
  return "";
}

const std::vector<std::string>& levels_of(Dim dim) {
  // The published order (not alphabetical: NT precedes NS, blocked precedes granted).
  static const std::vector<std::string> kRegions = {"AB", "BC", "MB", "NB", "NL", "NT", "NS",
                                                    "NU", "ON", "PE", "QC", "SK", "YT",
                                                    "npts-ptso"};
  static const std::vector<std::string> kOs = {"android", "ios"};
  static const std::vector<std::string> kChecks = {"0", "1-6", "7-12", "13-30", "30+"};
  static const std::vector<std::string> kExposure = {"exposed-expose", "monitoring-surveillance"};
  static const std::vector<std::string> kDate = {"date", "no_date-date_so"};
  static const std::vector<std::string> kFramework = {"enabled-active", "disabled-desactive"};
  static const std::vector<std::string> kNotification = {"blocked-bloque", "granted-autorise",
                                                         "denied-refuse"};
  static const std::vector<std::string> kNone;
  switch (dim) {
    case Dim::kRegion: return kRegions;
    case Dim::kOs: return kOs;
    case Dim::kChecks: return kChecks;
    case Dim::kExposureStatus:
    case Dim::kOtkExposure: return kExposure;
    case Dim::kDateProvided: return kDate;
    case Dim::kFrameworkStatus: return kFramework;
    case Dim::kNotification: return kNotification;
    case Dim::kAppVersion: return kNone;
  }
  return kNone;
}

namespace {

int region_level(std::string_view region) {
  if (region.size() != 2) return region == "None" ? 13 : -1;
  switch ((region[0] << 8) | region[1]) {
    case ('A' << 8) | 'B': return 0;
    case ('B' << 8) | 'C': return 1;
    case ('M' << 8) | 'B': return 2;
    case ('N' << 8) | 'B': return 3;
    case ('N' << 8) | 'L': return 4;
    case ('N' << 8) | 'T': return 5;
    case ('N' << 8) | 'S': return 6;
    case ('N' << 8) | 'U': return 7;
    case ('O' << 8) | 'N': return 8;
    case ('P' << 8) | 'E': return 9;
    case ('Q' << 8) | 'C': return 10;
    case ('S' << 8) | 'K': return 11;
    case ('Y' << 8) | 'T': return 12;
    default: return -1;
  }
}

// ASCII case-insensitive equality with a lower-case `b` (no locale calls: a hot path).
bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if ((a[i] | 0x20) != b[i]) return false;
  }
  return true;
}

int true_false(std::string_view v) { return v == "true" ? 0 : v == "false" ? 1 : -1; }

}  // namespace

int level_of(Dim dim, const AggregateRow& row) {
  switch (dim) {
    case Dim::kRegion:
      return region_level(row.region);
    case Dim::kOs:
      // ASSUMPTION: OS names compare case-insensitively ("iOS" in early payloads).
      return iequals(row.appos, "android") ? 0 : iequals(row.appos, "ios") ? 1 : -1;
    case Dim::kChecks: {
      const auto& levels = levels_of(Dim::kChecks);
      for (size_t i = 0; i < levels.size(); ++i) {
        if (row.count == levels[i]) return static_cast<int>(i);
      }
      return -1;
    }
    case Dim::kExposureStatus:
      return true_false(row.is_user_exposed);
    case Dim::kOtkExposure:
      return row.is_user_exposed.empty() ? 1 : 0;
    case Dim::kDateProvided:
      return true_false(row.with_date);
    case Dim::kFrameworkStatus:
      return true_false(row.frameworkenabled);
    case Dim::kNotification:
      return row.pushnotification == "blocked"   ? 0
             : row.pushnotification == "granted" ? 1
             : row.pushnotification == "denied"  ? 2
                                                 : -1;
    case Dim::kAppVersion:
      return row.appversion.empty() ? -1 : 0;
  }
  return -1;
}

bool version_less(std::string_view a, std::string_view b) {
  while (!a.empty() || !b.empty()) {
    const size_t da = a.find('.'), db = b.find('.');
    const std::string_view pa = a.substr(0, da), pb = b.substr(0, db);
    long long na = 0, nb = 0;
    const bool numeric_a =
        !pa.empty() && std::from_chars(pa.data(), pa.data() + pa.size(), na).ptr == pa.data() + pa.size();
    const bool numeric_b =
        !pb.empty() && std::from_chars(pb.data(), pb.data() + pb.size(), nb).ptr == pb.data() + pb.size();
    if (numeric_a && numeric_b) {
      if (na != nb) return na < nb;
    } else if (pa != pb) {
      return pa < pb;
    }
    a = da == std::string_view::npos ? std::string_view{} : a.substr(da + 1);
    b = db == std::string_view::npos ? std::string_view{} : b.substr(db + 1);
  }
  return false;
}

}  // namespace emu::etl
