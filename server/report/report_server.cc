#include "server/report/report_server.h"
#include "server/report/http_serve.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "common/model/validate.h"
#include "common/report/release.h"
#include "common/report/release_serve.h"
#include "common/report/usage.h"
#include "common/util/time.h"
#include "server/report/dashboard.h"
#include "server/report/http_auth.h"
#include "server/report/release_store.h"
#include "server/report/sessions.h"

namespace relais::server {

using common::Result;
using common::Status;
using common::StatusCode;
namespace report = common::report;

namespace {

// An HTTP outcome: status + French message (bodies are built per route).
struct HttpError {
  int status = 500;
  std::string message;
};

int HttpStatus(const Status& s) {
  switch (s.code()) {
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kNotFound: return 404;
    default: return 503;
  }
}

std::string MonthOf(int64_t days) {
  const common::CivilDate d = common::CivilFromDays(days);
  return common::FormatDate(d).substr(0, 7);
}

void SecurityHeaders(httplib::Response& res) {
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
}

}  // namespace

struct ReportServer::Impl {
  Impl(ReportBackend& b, common::Clock& c) : backend(b), clock(c), sessions(c) {}

  ReportBackend& backend;
  common::Clock& clock;
  CouncilSessions sessions;
  httplib::Server http;
  std::thread thread;
  int port = 0;
  bool started = false;
  std::mutex mu;  // guards counters
  // Serialises the extension of releases (one writer); own_releases is used
  // when the backend persists none.
  std::mutex release_mu;
  MemoryReleaseStore own_releases;
  // Releases as last read or written (GUARDED_BY(release_mu)): the store is
  // only written here, so a cached year is current until a month closes.
  std::map<int, report::YearRelease> cached;
  std::map<std::pair<std::string, int>, uint64_t> requests;
  double build_seconds = 0;
  uint64_t builds = 0;

  void Count(const std::string& route, int status) {
    std::lock_guard<std::mutex> l(mu);
    ++requests[{route, status}];
  }

  // Authenticates, checks parameters and builds the suppressed report.
  // `page`: missing months default to the last six months (the dashboard).
  Result<report::Report> Build(const httplib::Request& req, bool page,
                               DashboardParams* p, HttpError* err) {
    auto fail = [&](const Status& s) {
      err->status = HttpStatus(s);
      err->message = s.message();
      return s;
    };
    if (req.has_param("token"))
      return fail(Status::Unauthenticated(
          "le jeton ne se donne plus dans l'adresse (elle reste dans l'historique et "
          "les journaux) : connectez-vous avec le formulaire, ou en-tête "
          "Authorization: Bearer"));
    std::string token = BearerOf(req);
    if (token.empty()) token = sessions.Token(CookieOf(req, kCookie)).value_or("");
    if (token.empty())
      return fail(Status::Unauthenticated(
          "jeton conseil absent (en-tête Authorization: Bearer ou connexion par le "
          "formulaire)"));
    auto sites = backend.CouncilSites(token);
    if (!sites.ok()) {
      if (sites.status().code() == StatusCode::kUnauthenticated)
        return fail(Status::Unauthenticated(
            sites.status().message().find("expiré") != std::string::npos
                ? sites.status().message()
                : "jeton conseil inconnu ou révoqué"));
      return fail(Status::Unavailable("service momentanément indisponible"));
    }
    report::UsageQuery q;
    q.now_s = clock.NowMillis() / 1000;
    const int64_t today = common::DaysFromCivil(common::ParisDate(q.now_s));
    q.to = req.get_param_value("to");
    q.from = req.get_param_value("from");
    // The dashboard's default: the six months up to the last one released
    // (the current month is not released before it is over).
    if (page && q.to.empty()) {
      const common::CivilDate d = common::ParisDate(q.now_s);
      q.to = MonthOf(common::DaysFromCivil({d.year, d.month, 1}) - 1 -
                     report::kReleaseLagDays);
    }
    if (page && q.from.empty()) {
      int y = 0, m = 0;
      if (common::ParseMonth(q.to, &y, &m).ok()) {
        m -= 5;
        if (m < 1) m += 12, --y;
        q.from = MonthOf(common::DaysFromCivil({y, m, 1}));
      }
    }
    if (q.from.empty() || q.to.empty())
      return fail(Status::InvalidArgument(
          "paramètres from et to obligatoires (AAAA-MM)"));
    const std::string g = req.has_param("granularity")
                              ? req.get_param_value("granularity")
                              : "auto";
    auto gran = report::ParseGranularity(g);
    if (!gran.ok()) return fail(gran.status());
    q.granularity = *gran;
    const std::string site = req.get_param_value("site");
    // Empty = every site of the token (the dashboard's "Tous les sites").
    if (!site.empty() && !common::IsValidSiteId(site))
      return fail(Status::InvalidArgument(
          "paramètre site invalide (1 à 64 caractères parmi A-Z a-z 0-9 . _ -)"));
    if (!site.empty()) {
      if (std::find(sites->begin(), sites->end(), site) == sites->end())
        return fail(Status::PermissionDenied(
            "ce jeton n'autorise pas le site demandé"));
      q.sites = {site};
    } else {
      q.sites = *sites;
    }
    p->allowed_sites = *sites;
    p->site = site;
    p->sort = req.get_param_value("tri");
    if (!IsValidCommuneSort(p->sort))
      return fail(Status::InvalidArgument(
          "paramètre tri invalide (commune, insee ou un trimestre AAAA-Tn)"));
    // Served from releases only (issue #20, docs/reporting.md
    // §Publications): the releases of the years asked for are extended with
    // every month over since, then the request is answered from them.
    report::ReleaseQuery rq{q.from, q.to, q.granularity, q.sites, q.now_s, {}};
    auto years = report::ReleaseYears(rq);
    if (!years.ok()) return fail(years.status());
    const auto t0 = std::chrono::steady_clock::now();
    // Freshness per site (and the catch-up of the aggregate store).
    auto fresh = backend.Facts(q.sites, today, today);
    if (!fresh.ok()) return fail(FactsError(fresh.status()));
    for (const auto& [s, f] : *fresh) rq.last_write_ms[s] = f.last_write_ms;
    std::map<int, report::YearRelease> releases;
    for (int y : *years) {
      auto r = Release(y, q.now_s);
      if (!r.ok()) return fail(r.status());
      releases[y] = std::move(r).value();
    }
    auto rep = report::ServeRelease(releases, rq);
    {
      std::lock_guard<std::mutex> l(mu);
      build_seconds += std::chrono::duration<double>(
                           std::chrono::steady_clock::now() - t0)
                           .count();
      ++builds;
    }
    if (!rep.ok()) return fail(rep.status());
    return rep;
  }

  static Status FactsError(const Status& s) {
    return s.code() == StatusCode::kUnavailable
               ? s
               : Status::Unavailable("données momentanément indisponibles");
  }

  // The release of `year`, extended with every month over at `now_s`
  // (facts of every site of the hub: the organisation) and stored.
  Result<report::YearRelease> Release(int year, int64_t now_s) {
    std::lock_guard<std::mutex> l(release_mu);
    const int due = report::ReleasableMonths(year, now_s);
    if (auto c = cached.find(year); c != cached.end() && due <= c->second.months_released)
      return c->second;
    ReleaseStore* store = backend.Releases();
    if (!store) store = &own_releases;
    auto r = store->Get(year);
    if (!r.ok())
      return Status::Unavailable("publications illisibles : " + r.status().message());
    if (due <= r->months_released) {
      cached[year] = *r;
      return r;
    }
    auto facts = backend.Facts({}, common::DaysFromCivil({year, 1, 1}),
                               common::DaysFromCivil({year, 12, 31}));
    if (!facts.ok()) return FactsError(facts.status());
    auto next = report::ExtendRelease(*r, *facts, now_s);
    if (!next.ok()) return Status::Unavailable("publication impossible : " + next.status().message());
    if (Status s = store->Put(*next); !s.ok())
      return Status::Unavailable("publication non enregistrée : " + s.message());
    cached[year] = *next;
    return next;
  }

  void Usage(const httplib::Request& req, httplib::Response& res) {
    DashboardParams p;
    HttpError err;
    auto rep = Build(req, false, &p, &err);
    const std::string format =
        req.has_param("format") ? req.get_param_value("format") : "json";
    if (rep.ok() && format != "json" && format != "csv") {
      err = {400, "format inconnu (json ou csv)"};
    }
    if (!rep.ok() || err.status == 400) {
      if (err.status == 401) res.set_header("WWW-Authenticate", "Bearer");
      res.status = err.status;
      ErrorJson(res, err.message);
    } else if (format == "csv") {
      res.status = 200;
      res.set_header("Content-Disposition",
                     "attachment; filename=\"relais-usage-" + rep->from + "-" +
                         rep->to + ".csv\"");
      res.set_content(report::RenderCsv(*rep), "text/csv; charset=utf-8");
    } else {
      res.status = 200;
      res.set_content(report::RenderJson(*rep),
                      "application/json; charset=utf-8");
    }
    Count("usage", res.status);
  }

  // {"erreur": "..."} without a JSON library (the message is plain text).
  static void ErrorJson(httplib::Response& res,
                                  const std::string& message) {
    std::string esc;
    for (char c : message) {
      if (c == '"' || c == '\\') esc += '\\';
      if (static_cast<unsigned char>(c) >= 0x20) esc += c;
    }
    res.set_content("{\"erreur\":\"" + esc + "\"}\n",
                    "application/json; charset=utf-8");
  }

  void Page(const httplib::Request& req, httplib::Response& res) {
    DashboardParams p;
    HttpError err;
    auto rep = Build(req, true, &p, &err);
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; style-src 'unsafe-inline'; "
                   "form-action 'self'; base-uri 'none'");
    if (!rep.ok()) {
      res.status = err.status;
      if (err.status == 401) {
        res.set_header("WWW-Authenticate", "Bearer");
        res.set_content(RenderLoginPage(err.message), "text/html; charset=utf-8");
      } else {
        res.set_content(RenderErrorPage(err.status, err.message),
                        "text/html; charset=utf-8");
      }
    } else {
      res.status = 200;
      res.set_content(RenderDashboard(*rep, p), "text/html; charset=utf-8");
    }
    Count("dashboard", res.status);
  }

  // Checks `token` and, if it is a council token, opens a session: cookie
  // and 303 to /. Otherwise 401 and the form again.
  // `location`: where to go once logged in (a path on this server).
  void LogIn(const std::string& token, httplib::Response& res,
             const std::string& location = "/") {
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; style-src 'unsafe-inline'; "
                   "form-action 'self'; base-uri 'none'");
    auto sites = token.empty() || token.size() > 4096
                     ? Result<std::vector<std::string>>(Status::Unauthenticated("jeton absent"))
                     : backend.CouncilSites(token);
    Result<std::string> id = sites.ok() ? sessions.Create(token) : sites.status();
    if (!id.ok()) {
      const bool expired = id.status().message().find("expiré") != std::string::npos;
      res.status = sites.ok() || sites.status().code() == StatusCode::kUnauthenticated ? 401 : 503;
      res.set_content(RenderLoginPage(expired ? id.status().message()
                                              : "jeton refusé : absent, inconnu ou révoqué"),
                      "text/html; charset=utf-8");
      Count("login", res.status);
      return;
    }
    res.status = 303;
    res.set_header("Location", location);
    res.set_header("Set-Cookie", SessionCookie(*id, CouncilSessions::kSessionMs / 1000));
    Count("login", res.status);
  }

  std::string MetricsText() {
    std::string out = backend.MetricsText();
    if (!out.empty() && out.back() != '\n') out += '\n';
    out +=
        "# HELP relais_report_http_requests_total Requêtes du point d'accès "
        "financeurs, par route et code HTTP.\n"
        "# TYPE relais_report_http_requests_total counter\n";
    std::lock_guard<std::mutex> l(mu);
    for (const auto& [key, n] : requests)
      out += "relais_report_http_requests_total{route=\"" + key.first +
             "\",code=\"" + std::to_string(key.second) + "\"} " +
             std::to_string(n) + "\n";
    out +=
        "# HELP relais_report_build_seconds Temps de calcul des rapports.\n"
        "# TYPE relais_report_build_seconds summary\n"
        "relais_report_build_seconds_sum " + std::to_string(build_seconds) +
        "\nrelais_report_build_seconds_count " + std::to_string(builds) + "\n";
    return out;
  }

  void Routes() {
    http.set_read_timeout(10, 0);
    http.set_write_timeout(30, 0);
    http.set_payload_max_length(64 * 1024);
    http.set_pre_routing_handler(
        [](const httplib::Request&, httplib::Response& res) {
          SecurityHeaders(res);
          return httplib::Server::HandlerResponse::Unhandled;
        });
    http.Get("/", [this](const httplib::Request& q, httplib::Response& r) {
      Page(q, r);
    });
    http.Get("/api/v1/usage",
             [this](const httplib::Request& q, httplib::Response& r) {
               Usage(q, r);
             });
    http.Get("/healthz", [](const httplib::Request&, httplib::Response& r) {
      r.set_content("ok\n", "text/plain; charset=utf-8");
    });
    http.Post("/login", [this](const httplib::Request& q, httplib::Response& r) {
      // Form body only (application/x-www-form-urlencoded): httplib puts
      // its fields in params; a token in the query string is refused.
      const bool in_body = q.target.find('?') == std::string::npos &&
                           q.get_header_value("Content-Type")
                               .rfind("application/x-www-form-urlencoded", 0) == 0 &&
                           q.body.find("token=") != std::string::npos;
      LogIn(in_body ? q.get_param_value("token") : "", r);
    });
    http.Get("/login", [this](const httplib::Request& q, httplib::Response& r) {
      if (!q.has_param("code")) {
        r.set_content(RenderLoginPage(""), "text/html; charset=utf-8");
        Count("login", 200);
        return;
      }
      LogIn(sessions.Redeem(q.get_param_value("code")).value_or(""), r, PageAfterLogin(q));
    });
    http.Post("/logout", [this](const httplib::Request& q, httplib::Response& r) {
      sessions.End(CookieOf(q, kCookie));
      r.status = 303;
      r.set_header("Location", "/");
      r.set_header("Set-Cookie", SessionCookie("", 0));
    });
    // Nothing may escape as an exception (nlohmann, httplib, std).
    http.set_exception_handler(
        [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
          res.status = 500;
          res.set_content("{\"erreur\":\"erreur interne\"}\n",
                          "application/json; charset=utf-8");
        });
    http.set_error_handler([](const httplib::Request&, httplib::Response& res) {
      if (res.body.empty() && res.status == 404)
        res.set_content("{\"erreur\":\"adresse inconnue\"}\n",
                        "application/json; charset=utf-8");
    });
  }
};

ReportServer::ReportServer(ReportBackend& backend, common::Clock& clock)
    : impl_(std::make_unique<Impl>(backend, clock)) {
  impl_->Routes();
}

ReportServer::~ReportServer() { Stop(); }

Result<int> ReportServer::Start(const std::string& host, int port) {
  if (impl_->started) return Status::FailedPrecondition("déjà démarré");
  RELAIS_ASSIGN_OR_RETURN(int bound, BindAndServe(impl_->http, host, port, &impl_->thread));
  impl_->port = bound;
  impl_->started = true;
  return bound;
}

void ReportServer::Stop() {
  if (!impl_->started) return;
  StopServing(impl_->http, &impl_->thread);
  impl_->started = false;
}

int ReportServer::port() const { return impl_->port; }

void ReportServer::AddRoutes(const std::function<void(httplib::Server&)>& install) {
  install(impl_->http);
}

Result<std::string> ReportServer::IssueLoginCode(const std::string& token) {
  return impl_->sessions.IssueCode(token);
}

std::string ReportServer::MetricsText() { return impl_->MetricsText(); }

}  // namespace relais::server
