#pragma once
// Request helpers of the funding office's endpoint (report_server.cc):
// where a council token may come from, and the session cookie. Pure
// functions over cpp-httplib's request type.

#include <httplib.h>

#include <cstdint>
#include <string>

namespace relais::server {

// Name of the session cookie (sessions.h).
inline constexpr char kCookie[] = "relais_session";

// The token of an "Authorization: Bearer <token>" header (scheme matched
// case-insensitively; headers of 8 KiB or more ignored), "" if none.
std::string BearerOf(const httplib::Request& req);

// The value of cookie `name` in the Cookie header(s), "" if absent.
std::string CookieOf(const httplib::Request& req, const std::string& name);

// Set-Cookie value: HttpOnly, SameSite=Strict, Path=/, Max-Age.
std::string SessionCookie(const std::string& id, int64_t max_age_s);

// "/" plus the page parameters of a /login?code=… link (from, to, site,
// granularity), kept only if made of [A-Za-z0-9._-] (at most 64): never an
// open redirect, never a header injection.
std::string PageAfterLogin(const httplib::Request& req);

}  // namespace relais::server
