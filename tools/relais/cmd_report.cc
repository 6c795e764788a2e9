// `relais report`: fetches the council usage report from the hub's HTTP
// endpoint (see docs/reporting.md) with libcurl. Connect timeout 10 s, total
// 60 s; up to 3 attempts with backoff (0.5 s, 1 s) on connection failures,
// timeouts and 5xx. Exit codes: 0 ok, 2 bad arguments, 1 anything else.
// Nothing is written to --out unless the whole report arrived; it is written
// through a 0600 temporary file in the same directory, then renamed (a
// symlink at --out is replaced, never followed). The token comes from
// --token-file or RELAIS_TOKEN (--token still works, with a warning).
#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/model/validate.h"
#include "common/util/time.h"
#include "tools/relais/cli_util.h"

namespace relais::common::cli {

namespace {

struct ReportArgs {
  TokenArgs token_args;
  std::string url, token, from, to, format = "csv", site, granularity = "auto",
                                    out;
};

size_t Append(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

std::string Escape(CURL* curl, const std::string& s) {
  char* e = curl_easy_escape(curl, s.c_str(), static_cast<int>(s.size()));
  std::string out = e ? e : "";
  curl_free(e);
  return out;
}

bool Transient(CURLcode c) {
  return c == CURLE_COULDNT_CONNECT || c == CURLE_OPERATION_TIMEDOUT ||
         c == CURLE_RECV_ERROR || c == CURLE_SEND_ERROR ||
         c == CURLE_GOT_NOTHING || c == CURLE_COULDNT_RESOLVE_HOST ||
         c == CURLE_PARTIAL_FILE;
}

Status HttpStatusMessage(long code, const std::string& site) {
  switch (code) {
    case 401:
      return Status::Unauthenticated(
          "jeton refusé (HTTP 401) : jeton absent, inconnu ou révoqué. Il faut "
          "un jeton « conseil » délivré par l'administrateur du hub (un jeton "
          "de borne ne convient pas).");
    case 403:
      return Status::PermissionDenied(
          "accès refusé (HTTP 403) : ce jeton n'autorise pas le site '" + site +
          "'.");
    case 404:
      return Status::NotFound(
          "adresse introuvable (HTTP 404) : vérifiez --url (le hub sert "
          "/api/v1/usage sur son port HTTP).");
    case 400:
      return Status::InvalidArgument("requête refusée par le hub (HTTP 400)");
    default:
      return Status::Unavailable("le hub a répondu HTTP " +
                                 std::to_string(code));
  }
}

// The hub's own explanation ({"erreur": "..."}), appended to `s`.
Status WithHubMessage(const Status& s, const std::string& body) {
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("erreur") || !j["erreur"].is_string())
    return s;
  return Status(s.code(), s.message() + " : " + j["erreur"].get<std::string>());
}

// Fetches the report body; retries transient failures.
Result<std::string> Fetch(const ReportArgs& a) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(),
                                                           curl_easy_cleanup);
  if (!curl) return Status::Internal("libcurl indisponible");
  std::string base = a.url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string url = base + "/api/v1/usage?from=" + Escape(curl.get(), a.from) +
                    "&to=" + Escape(curl.get(), a.to) +
                    "&format=" + a.format + "&granularity=" + a.granularity;
  if (!a.site.empty()) url += "&site=" + Escape(curl.get(), a.site);
  const std::string auth = "Authorization: Bearer " + a.token;
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(
      curl_slist_append(nullptr, auth.c_str()), curl_slist_free_all);
  Status last = Status::Unavailable("aucune tentative");
  for (int attempt = 1; attempt <= 3; ++attempt) {
    if (attempt > 1)
      std::this_thread::sleep_for(std::chrono::milliseconds(500 << (attempt - 2)));
    std::string body;
    CURL* c = curl.get();
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Append);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "relais-report/1");
    const CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
      last = Status::Unavailable(std::string("hub injoignable (") +
                                 curl_easy_strerror(rc) + ")");
      if (!Transient(rc)) return last;
      std::cerr << "relais: tentative " << attempt << "/3 échouée: "
                << curl_easy_strerror(rc) << "\n";
      continue;
    }
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    if (code == 200) return body;
    last = WithHubMessage(HttpStatusMessage(code, a.site), body);
    if (code < 500) return last;
    std::cerr << "relais: tentative " << attempt << "/3: HTTP " << code << "\n";
  }
  return last;
}

Status RunReport(ReportArgs a) {
  RELAIS_ASSIGN_OR_RETURN(a.token, TokenFor(a.token_args));
  int y = 0, m = 0;
  RELAIS_RETURN_IF_ERROR(ParseMonth(a.from, &y, &m).WithContext("--from"));
  RELAIS_RETURN_IF_ERROR(ParseMonth(a.to, &y, &m).WithContext("--to"));
  if (a.url.rfind("http://", 0) != 0 && a.url.rfind("https://", 0) != 0)
    return Status::InvalidArgument("--url doit commencer par http:// ou https://");
  if (!a.site.empty() && !IsValidSiteId(a.site))
    return Status::InvalidArgument(
        "--site invalide (1 à 64 caractères parmi A-Z a-z 0-9 . _ -)");
  RELAIS_ASSIGN_OR_RETURN(std::string body, Fetch(a));
  if (a.out.empty()) {
    std::cout << body;
    std::cout.flush();
    return std::cout ? Status::OK() : Status::Internal("sortie standard fermée");
  }
  return WriteFileAtomic(a.out, body, ".relais-rapport-");
}

}  // namespace

void RegisterReportCommands(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "report", "Télécharge le rapport d'activité agrégé (financeurs) du hub");
  auto a = std::make_shared<ReportArgs>();
  cmd->add_option("--url", a->url, "Adresse HTTP du hub, ex. http://hub:8090")
      ->required();
  AddTokenOptions(cmd, &a->token_args, "jeton conseil");
  cmd->add_option("--from", a->from, "Premier mois AAAA-MM")->required();
  cmd->add_option("--to", a->to, "Dernier mois AAAA-MM")->required();
  cmd->add_option("--format", a->format, "csv (défaut) ou json")
      ->check(CLI::IsMember({"csv", "json"}));
  cmd->add_option("--site", a->site, "Un seul site (sinon tous ceux du jeton)");
  cmd->add_option("--granularity", a->granularity, "auto (défaut : mois, trimestre pour les petits sites), month, quarter ou week")
      ->check(CLI::IsMember({"auto", "month", "quarter", "week"}));
  cmd->add_option("--out", a->out, "Fichier de sortie (sinon sortie standard)");
  cmd->callback([&ctx, a] { ctx.exit_code = Report(RunReport(*a)); });
}

}  // namespace relais::common::cli
