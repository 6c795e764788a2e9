#include "tools/history_bench/sim_hub.h"

#include <filesystem>

#include "server/token.h"

namespace relais::histbench {

using common::Status;

Status SimHub::Start(const std::string& db_path, const std::string& log_path,
                     const server::bench::TlsFiles& tls, const std::string& site,
                     const std::vector<std::string>& replicas, common::Clock* clock,
                     bool auto_purge) {
  if (std::filesystem::exists(db_path))
    return Status::AlreadyExists("le fichier du hub existe déjà: " + db_path);
  log_.open(log_path, std::ios::app);
  if (!log_) return Status::Internal("journal du hub impossible à ouvrir: " + log_path);
  auto store = server::SqliteHubStore::Open(db_path, /*create=*/true, clock);
  if (!store.ok()) return store.status().WithContext("hub " + db_path);
  store_ = std::move(store).value();
  for (const std::string& name : replicas) {
    auto t = server::GenerateToken();
    if (!t.ok()) return t.status();
    server::TokenInfo info;
    info.token_hash = server::HashToken(*t);
    info.name = name;
    info.sites = {site};
    RELAIS_RETURN_IF_ERROR(store_->AddToken(info));
    tokens_[name] = *t;
  }
  server::HubServiceOptions so;
  so.log = &log_;
  // Without --purge the year is the baseline: the hub keeps every tombstone.
  so.auto_purge = auto_purge;
  service_ = std::make_unique<server::HubService>(*store_, *clock, so);
  server::ServerOptions opts;
  opts.listen = "127.0.0.1:0";
  opts.tls_cert_file = tls.hub_pem;
  opts.tls_key_file = tls.hub_key;
  auto running = server::StartHubServer(service_.get(), opts);
  if (!running.ok()) return running.status();
  running_ = std::move(running).value();
  address_ = "127.0.0.1:" + std::to_string(running_.port);
  return Status::OK();
}

void SimHub::Stop() {
  if (running_.server) running_.server->Shutdown();
  running_.server.reset();
  service_.reset();
  store_.reset();
  address_.clear();
  if (log_.is_open()) log_.close();
}

std::string SimHub::token(const std::string& replica) const {
  auto it = tokens_.find(replica);
  return it == tokens_.end() ? "" : it->second;
}

}  // namespace relais::histbench
