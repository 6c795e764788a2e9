#pragma once
// Running one cpp-httplib server on its own thread, shared by the report
// listener (report_server.h) and the admin listener (admin_server.h).

#include <httplib.h>

#include <chrono>
#include <exception>
#include <string>
#include <thread>

#include "common/util/status.h"

namespace relais::server {

// Binds `http` to host:port (port 0: any free port), starts its loop on
// `*thread` and returns the bound port once the loop serves (a Stop()
// before that would be lost). UNAVAILABLE with a French message if the
// address cannot be bound (cpp-httplib throws on some failures: caught).
// REQUIRES: *thread not running.
inline common::Result<int> BindAndServe(httplib::Server& http, const std::string& host,
                                        int port, std::thread* thread) {
  int bound = -1;
  try {
    if (port == 0) {
      bound = http.bind_to_any_port(host);
    } else if (http.bind_to_port(host, port)) {
      bound = port;
    }
  } catch (const std::exception& e) {
    return common::Status::Unavailable(std::string("écoute impossible: ") + e.what());
  }
  if (bound <= 0)
    return common::Status::Unavailable("écoute impossible sur " + host + ":" +
                                       std::to_string(port));
  *thread = std::thread([&http] { http.listen_after_bind(); });
  for (int i = 0; i < 500 && !http.is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return bound;
}

// Stops the loop started by BindAndServe and joins its thread.
inline void StopServing(httplib::Server& http, std::thread* thread) {
  http.stop();
  if (thread->joinable()) thread->join();
}

}  // namespace relais::server
