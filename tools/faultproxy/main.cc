// relais-faultproxy: a loopback TCP proxy that imitates a rural link.
//   relais-faultproxy --upstream 127.0.0.1:50051 [--listen-port 0]
//       [--profile edge|satellite|adsl-flaky|offline|blackhole|direct]
//       [--latency-ms N] [--rate-kbps N] [--cut-after-bytes N]
//       [--cut-prob P] [--cut-every-ms N] [--schedule "edge:10,offline:5,..."]
// Prints "port N" once listening; runs until SIGINT/SIGTERM; prints counters.
#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>
#include <thread>

#include "tools/faultproxy/fault_proxy.h"

namespace {
volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }
}  // namespace

int main(int argc, char** argv) {
  using relais::server::FaultProxy;
  CLI::App app{"relais-faultproxy — proxy TCP qui imite un lien rural (boucle locale)"};
  std::string upstream, profile_name = "direct", schedule;
  int port = 0;
  int64_t latency = -1, rate_kbps = -1, cut_after = -1, cut_every = -1;
  double cut_prob = -1;
  app.add_option("--upstream", upstream, "Hub HOST:PORT (boucle locale)")->required();
  app.add_option("--listen-port", port, "Port d'écoute sur 127.0.0.1 (0 = libre)");
  app.add_option("--profile", profile_name, "Profil nommé");
  app.add_option("--latency-ms", latency, "Latence ajoutée, un sens");
  app.add_option("--rate-kbps", rate_kbps, "Débit max par sens, kbit/s");
  app.add_option("--cut-after-bytes", cut_after, "Coupe chaque connexion après N octets");
  app.add_option("--cut-prob", cut_prob, "Probabilité de coupure par segment");
  app.add_option("--cut-every-ms", cut_every, "Durée de vie max d'une connexion");
  app.add_option("--schedule", schedule, "Suite profil:secondes,... répétée");
  CLI11_PARSE(app, argc, argv);

  auto prof = relais::server::NamedProfile(profile_name);
  if (!prof.ok()) {
    std::cerr << "relais-faultproxy: " << prof.status().message() << "\n";
    return 2;
  }
  if (latency >= 0) prof->latency_ms = latency;
  if (rate_kbps >= 0) prof->up_bytes_per_s = prof->down_bytes_per_s = rate_kbps * 1000 / 8;
  if (cut_after >= 0) prof->cut_after_bytes = cut_after;
  if (cut_prob >= 0) prof->cut_probability = cut_prob;
  if (cut_every >= 0) prof->cut_every_ms = cut_every;
  std::vector<std::pair<relais::server::LinkProfile, int>> steps;
  std::stringstream ss(schedule);
  for (std::string item; std::getline(ss, item, ',');) {
    const size_t colon = item.find(':');
    auto p = relais::server::NamedProfile(item.substr(0, colon));
    if (!p.ok() || colon == std::string::npos) {
      std::cerr << "relais-faultproxy: étape de calendrier invalide '" << item << "'\n";
      return 2;
    }
    steps.emplace_back(*p, std::atoi(item.c_str() + colon + 1));
  }
  FaultProxy proxy(upstream, *prof);
  auto bound = proxy.Start(port);
  if (!bound.ok()) {
    std::cerr << "relais-faultproxy: " << bound.status().message() << "\n";
    return 1;
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::cout << "port " << *bound << std::endl;
  size_t step = 0;
  auto step_end = std::chrono::steady_clock::now();
  while (!g_stop) {
    if (!steps.empty() && std::chrono::steady_clock::now() >= step_end) {
      proxy.SetProfile(steps[step].first);
      if (steps[step].first.offline) proxy.CutAll();
      step_end = std::chrono::steady_clock::now() + std::chrono::seconds(steps[step].second);
      step = (step + 1) % steps.size();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  proxy.Stop();
  auto c = proxy.counters();
  std::cout << "{\"bytes_up\":" << c.bytes_up << ",\"bytes_down\":" << c.bytes_down
            << ",\"connections\":" << c.connections << ",\"cuts\":" << c.cuts << ",\"bytes_dropped\":" << c.bytes_dropped
            << ",\"refused\":" << c.refused << "}\n";
  return 0;
}
