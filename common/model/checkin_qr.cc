#include "common/model/checkin_qr.h"

#include <cstring>

#include "common/model/validate.h"

namespace relais::common {

namespace {

constexpr const char kAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

// `code` upper-cased if it is 6 characters of the alphabet, "" otherwise.
std::string CanonicalCode(const std::string& code) {
  if (code.size() != 6) return "";
  std::string out;
  for (char c : code) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == '\0' || !std::strchr(kAlphabet, c)) return "";
    out += c;
  }
  return out;
}

}  // namespace

Result<std::string> FormatCheckInQr(const std::string& site, const std::string& code) {
  if (!IsValidSiteId(site))
    return Status::InvalidArgument("identifiant de site invalide " + QuoteForMessage(site));
  const std::string canon = CanonicalCode(code);
  if (canon.empty() || canon != code)
    return Status::InvalidArgument("code de passage invalide " + QuoteForMessage(code) +
                                   " : 6 caractères parmi " + kAlphabet);
  return std::string(kCheckInQrTag) + ":" + site + ":" + code;
}

Result<CheckInQr> ParseCheckInQr(const std::string& text) {
  if (text.empty()) return Status::InvalidArgument("code scanné vide");
  if (text.size() > kMaxCheckInQrLen)
    return Status::InvalidArgument("code scanné trop long (" + std::to_string(text.size()) +
                                   " octets, au plus " + std::to_string(kMaxCheckInQrLen) + ")");
  const std::string tag = std::string(kCheckInQrTag) + ":";
  if (text.compare(0, tag.size(), tag) != 0)
    return Status::InvalidArgument("code scanné étranger à Relais Santé " +
                                   QuoteForMessage(text));
  const size_t colon = text.find(':', tag.size());
  if (colon == std::string::npos)
    return Status::InvalidArgument("code scanné incomplet " + QuoteForMessage(text));
  CheckInQr out;
  out.site = text.substr(tag.size(), colon - tag.size());
  out.code = CanonicalCode(text.substr(colon + 1));
  if (!IsValidSiteId(out.site) || out.code.empty())
    return Status::InvalidArgument("code scanné mal formé " + QuoteForMessage(text));
  return out;
}

}  // namespace relais::common
