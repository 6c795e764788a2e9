#include "common/replica/audit_log.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace relais::common {

namespace {

constexpr const char kSeqKey[] = "audit_seq";
constexpr const char kHeadKey[] = "audit_head";

std::string Sanitize(const std::string& in) {
  std::string out;
  for (char c : in.substr(0, 61)) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    out += ok ? c : '_';
  }
  return out;
}

}  // namespace

std::string CliAuditUser() {
  std::string name;
  if (const passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_name) name = pw->pw_name;
  if (name.empty())
    if (const char* u = std::getenv("USER")) name = u;
  name = Sanitize(name);
  return "os:" + (name.empty() ? std::string("inconnu") : name);
}

Status AuditLog::AppendLocked(const std::string& who, const std::string& what,
                              const std::vector<std::string>& ids) {
  if (who.empty()) return Status::InvalidArgument("journal d'accès: utilisateur inconnu");
  // Without the organisation key nothing can be revealed (every sealed value
  // reads « 🔒 illisible »), and `who`/`records` could not be sealed: there is
  // nothing to log.
  if (!r_->has_key()) return Status::OK();
  ReplicaStore* st = r_->store();
  RELAIS_ASSIGN_OR_RETURN(uint64_t seq, st->GetMetaInt(kSeqKey));
  RELAIS_ASSIGN_OR_RETURN(std::string head, st->GetMeta(kHeadKey));
  std::string prev = head.empty() ? "" : head.substr(head.find(':') + 1);
  const int64_t now = r_->clock()->NowMillis() / 1000;
  for (const std::string& chunk : audit::ChunkIds(ids)) {
    audit::Entry e{r_->replica_id(), ++seq, now, who, what, chunk, prev, false};
    RELAIS_ASSIGN_OR_RETURN(
        Record rec, r_->WriteInTransaction(Collection::kAudit, audit::EntryId(e.replica, e.seq),
                                           {{field::kAuditWho, e.who},
                                            {field::kAuditAt, std::to_string(e.at)},
                                            {field::kAuditWhat, e.what},
                                            {field::kAuditRecords, e.records},
                                            {field::kAuditPrev, e.prev},
                                            {field::kAuditSeq, std::to_string(e.seq)}}));
    (void)rec;
    prev = audit::EntryHash(e);
    if (prev.empty()) return Status::Internal("journal d'accès: libsodium indisponible");
  }
  RELAIS_RETURN_IF_ERROR(st->SetMeta(kSeqKey, std::to_string(seq)));
  return st->SetMeta(kHeadKey, std::to_string(seq) + ":" + prev);
}

Result<std::vector<Appointment>> AuditLog::RevealDay(const std::string& who,
                                                     const std::string& what,
                                                     const CivilDate& day) {
  Transaction tx(r_->store()->db());
  RELAIS_RETURN_IF_ERROR(tx.status());
  RELAIS_ASSIGN_OR_RETURN(std::vector<Appointment> list, r_->AppointmentsOn(day));
  std::vector<std::string> ids;
  for (const Appointment& a : list) ids.push_back(a.id);
  RELAIS_RETURN_IF_ERROR(AppendLocked(who, what, ids));
  RELAIS_RETURN_IF_ERROR(tx.Commit());
  return list;
}

Result<std::vector<Record>> AuditLog::RevealConflicts(const std::string& who,
                                                      const std::string& what) {
  Transaction tx(r_->store()->db());
  RELAIS_RETURN_IF_ERROR(tx.status());
  RELAIS_ASSIGN_OR_RETURN(std::vector<Record> list, r_->Conflicts());
  std::vector<std::string> ids;
  for (const Record& rec : list)
    if (rec.collection == Collection::kAppointment) ids.push_back(rec.id);
  RELAIS_RETURN_IF_ERROR(AppendLocked(who, what, ids));
  RELAIS_RETURN_IF_ERROR(tx.Commit());
  return list;
}

Result<std::string> AuditLog::RevealDump(const std::string& who, const std::string& what) {
  Transaction tx(r_->store()->db());
  RELAIS_RETURN_IF_ERROR(tx.status());
  RELAIS_RETURN_IF_ERROR(AppendLocked(who, what, {"*"}));
  // The dump is read after the entry: it shows the entry that logs it.
  RELAIS_ASSIGN_OR_RETURN(std::string out, r_->DumpClear());
  RELAIS_RETURN_IF_ERROR(tx.Commit());
  return out;
}

Result<std::vector<audit::Entry>> AuditLog::Entries() {
  RELAIS_ASSIGN_OR_RETURN(std::vector<Record> recs, r_->store()->List(Collection::kAudit));
  std::vector<audit::Entry> out;
  for (const Record& rec : recs) {
    std::string problem;
    // `who` and `records` are sealed; the chain hashes their clear values.
    audit::Entry e = audit::EntryFromRecord(r_->Opened(rec), &problem);
    if (problem.empty()) out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(), [](const audit::Entry& a, const audit::Entry& b) {
    return a.replica != b.replica ? a.replica < b.replica : a.seq < b.seq;
  });
  return out;
}

Result<audit::ChainReport> AuditLog::Verify(int64_t now_s) {
  RELAIS_ASSIGN_OR_RETURN(std::vector<Record> recs, r_->store()->List(Collection::kAudit));
  // The chain is over clear values (`who` and `records` are sealed).
  for (Record& rec : recs) rec = r_->Opened(rec);
  RELAIS_ASSIGN_OR_RETURN(std::string head, r_->store()->GetMeta(kHeadKey));
  std::map<std::string, std::string> heads;
  if (!head.empty()) heads[r_->replica_id()] = head;
  return audit::VerifyChains(recs, now_s, heads);
}

}  // namespace relais::common
