#include "common/storage/change_journal.h"

#include <atomic>

namespace relais::common {

namespace {

std::atomic<uint64_t> next_journal{1};

}  // namespace

Result<std::unique_ptr<ChangeJournal>> ChangeJournal::Start(Db* db) {
  const std::string t = "relais_journal_" + std::to_string(next_journal++);
  // One entry per statement row; Take() de-duplicates.
  const std::string add = "INSERT INTO " + t + " VALUES(";  // unqualified in a trigger
  RELAIS_RETURN_IF_ERROR(db->Exec(
      "CREATE TEMP TABLE " + t + "(collection INTEGER NOT NULL, id TEXT NOT NULL);"
      "CREATE TEMP TRIGGER " + t + "_i AFTER INSERT ON main.records BEGIN " + add +
      "new.collection, new.id); END;"
      "CREATE TEMP TRIGGER " + t + "_u AFTER UPDATE ON main.records BEGIN " + add +
      "old.collection, old.id); " + add + "new.collection, new.id); END;"
      "CREATE TEMP TRIGGER " + t + "_d AFTER DELETE ON main.records BEGIN " + add +
      "old.collection, old.id); END;"));
  return std::unique_ptr<ChangeJournal>(new ChangeJournal(db, t));
}

ChangeJournal::~ChangeJournal() {
  (void)db_->Exec("DROP TRIGGER IF EXISTS temp." + table_ + "_i;"
                  "DROP TRIGGER IF EXISTS temp." + table_ + "_u;"
                  "DROP TRIGGER IF EXISTS temp." + table_ + "_d;"
                  "DROP TABLE IF EXISTS temp." + table_ + ";");
}

Result<std::vector<ChangeJournal::Entry>> ChangeJournal::Take(size_t max, bool* overflow) {
  *overflow = false;
  std::vector<Entry> out;
  {
    RELAIS_ASSIGN_OR_RETURN(
        Stmt st, db_->PrepareCached("SELECT DISTINCT collection, id FROM temp." + table_ +
                                    " LIMIT " + std::to_string(max + 1)));
    for (;;) {
      RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      const int64_t c = st.ColumnInt(0);
      if (c < 0 || c >= kCollectionCount) continue;  // not a collection we know
      out.push_back({static_cast<Collection>(c), st.ColumnText(1)});
    }
  }
  if (out.size() > max) {
    *overflow = true;
    out.clear();
  }
  // Emptied even when nothing was returned: an overflow means "reload all".
  RELAIS_RETURN_IF_ERROR(db_->Exec("DELETE FROM temp." + table_));
  return out;
}

Result<int64_t> ChangeJournal::DataVersion() { return db_->QueryInt("PRAGMA data_version"); }

}  // namespace relais::common
