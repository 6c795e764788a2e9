#include "tools/faultproxy/fault_proxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <deque>

namespace relais::server {

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int ConnectTo(const std::string& host, int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &a.sin_addr) != 1 ||
      connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

struct Chunk {
  int64_t ready_ms;
  std::string data;
};

// One direction of a connection: bytes read from `from`, delayed, paced and
// written to `to`.
struct Pipe {
  int from, to;
  std::deque<Chunk> q;
  bool eof = false;
  double budget = 0;  // bytes we may still send under the rate cap
  int64_t last_ms = 0;
};

}  // namespace

Result<LinkProfile> NamedProfile(const std::string& name) {
  LinkProfile p;
  p.name = name;
  if (name == "direct") return p;
  if (name == "edge") {
    p.latency_ms = 150;
    p.down_bytes_per_s = p.up_bytes_per_s = 64000 / 8;
    return p;
  }
  if (name == "satellite") {
    p.latency_ms = 300;
    p.down_bytes_per_s = 1000000 / 8;
    p.up_bytes_per_s = 256000 / 8;
    return p;
  }
  if (name == "adsl-flaky") {
    p.latency_ms = 30;
    p.down_bytes_per_s = 2000000 / 8;
    p.up_bytes_per_s = 256000 / 8;
    p.cut_every_ms = 20000;
    return p;
  }
  if (name == "offline") {
    p.offline = true;
    return p;
  }
  if (name == "blackhole") {
    p.blackhole = true;
    return p;
  }
  return Status::NotFound("profil réseau inconnu: '" + name +
                          "' (direct, edge, satellite, adsl-flaky, offline, blackhole)");
}

struct FaultProxy::Conn {
  int client = -1, upstream = -1;
  int64_t opened_ms = 0;
  int64_t bytes = 0;
  uint64_t epoch = 0;
  std::atomic<bool> closed{false};
  void Close() {
    if (closed.exchange(true)) return;
    if (client >= 0) shutdown(client, SHUT_RDWR);
    if (upstream >= 0) shutdown(upstream, SHUT_RDWR);
  }
};

FaultProxy::FaultProxy(std::string upstream, LinkProfile profile, uint64_t seed)
    : profile_(std::move(profile)), rng_state_(seed * 0x9E3779B97F4A7C15ULL + 1) {
  const size_t colon = upstream.rfind(':');
  upstream_host_ = upstream.substr(0, colon);
  if (upstream_host_ == "localhost") upstream_host_ = "127.0.0.1";
  upstream_port_ = colon == std::string::npos ? 0 : std::atoi(upstream.c_str() + colon + 1);
}

FaultProxy::~FaultProxy() { Stop(); }

Result<int> FaultProxy::Start(int port) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  if (listen_fd_ < 0) return Status::Unavailable("socket()");
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      listen(listen_fd_, 64) != 0) {
    close(listen_fd_);
    listen_fd_ = -1;
    return Status::Unavailable("port " + std::to_string(port) + " indisponible");
  }
  socklen_t len = sizeof a;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
  return port_;
}

void FaultProxy::Stop() {
  if (stop_.exchange(true)) return;
  if (listen_fd_ >= 0) shutdown(listen_fd_, SHUT_RDWR);
  if (acceptor_.joinable()) acceptor_.join();
  if (listen_fd_ >= 0) close(listen_fd_);
  listen_fd_ = -1;
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (auto& c : conns_) c->Close();
    threads.swap(threads_);
  }
  for (auto& t : threads) t.join();
}

void FaultProxy::SetProfile(const LinkProfile& p) {
  std::lock_guard<std::mutex> l(mu_);
  profile_ = p;
  profile_set_ms_ = NowMs();
}

bool FaultProxy::LifetimeOverLocked(const Conn& c, int64_t now) const {
  const int64_t every = profile_.cut_every_ms;
  if (every <= 0) return false;
  if (!profile_.cut_on_clock) return now - c.opened_ms >= every;
  const int64_t first = profile_set_ms_ + profile_.cut_first_ms;
  if (now < first) return false;
  const int64_t last_tick = first + (now - first) / every * every;
  return c.opened_ms < last_tick;  // alive across the latest tick
}

LinkProfile FaultProxy::profile() const {
  std::lock_guard<std::mutex> l(mu_);
  return profile_;
}

void FaultProxy::CutAll() {
  std::lock_guard<std::mutex> l(mu_);
  for (auto& c : conns_) {
    if (!c->closed) ++cuts_;
    c->Close();
  }
}

ProxyCounters FaultProxy::counters() const {
  return ProxyCounters{up_.load(),   down_.load(),    nconn_.load(),
                       cuts_.load(), dropped_.load(), refused_.load()};
}

void FaultProxy::AcceptLoop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    int fd = accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    const LinkProfile prof = profile();
    if (prof.offline) {
      linger lg{1, 0};  // reset, as an unreachable network would
      setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
      close(fd);
      ++refused_;
      continue;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    auto c = std::make_shared<Conn>();
    c->client = fd;
    c->opened_ms = NowMs();
    c->epoch = epoch_;
    if (!prof.blackhole) {
      c->upstream = ConnectTo(upstream_host_, upstream_port_);
      if (c->upstream < 0) {
        close(fd);
        continue;
      }
    }
    ++nconn_;
    std::lock_guard<std::mutex> l(mu_);
    // Forget finished connections so a long run does not grow without bound.
    std::erase_if(conns_, [](const auto& x) { return x->closed.load(); });
    conns_.push_back(c);
    threads_.emplace_back([this, c] { Serve(c); });
  }
}

bool FaultProxy::ShouldCut(Conn& c, int64_t chunk) {
  std::lock_guard<std::mutex> l(mu_);
  c.bytes += chunk;
  if (profile_.cut_after_bytes > 0 && c.bytes >= profile_.cut_after_bytes)
    return true;
  if (LifetimeOverLocked(c, NowMs())) return true;
  if (profile_.cut_probability > 0) {
    rng_state_ ^= rng_state_ << 13;
    rng_state_ ^= rng_state_ >> 7;
    rng_state_ ^= rng_state_ << 17;
    const double u = static_cast<double>(rng_state_ >> 11) / 9007199254740992.0;
    if (u < profile_.cut_probability) return true;
  }
  return false;
}

void FaultProxy::Serve(std::shared_ptr<Conn> c) {
  Pipe up{c->client, c->upstream, {}, false, 0, NowMs()};
  Pipe down{c->upstream, c->client, {}, false, 0, NowMs()};
  char buf[16384];
  while (!stop_ && !c->closed) {
    LinkProfile prof;
    const int64_t now = NowMs();
    bool over;
    {
      std::lock_guard<std::mutex> l(mu_);
      prof = profile_;
      over = LifetimeOverLocked(*c, now);
    }
    if (over) {
      ++cuts_;
      break;
    }
    // Write what is due, within the rate budget.
    int wait_ms = 50;
    for (Pipe* p : {&up, &down}) {
      if (p->to < 0) continue;
      const int64_t rate = p == &up ? prof.up_bytes_per_s : prof.down_bytes_per_s;
      if (rate > 0) {
        p->budget = std::min<double>(p->budget + (now - p->last_ms) * rate / 1000.0,
                                     static_cast<double>(rate) / 10 + 1500);
      }
      p->last_ms = now;
      while (!p->q.empty() && p->q.front().ready_ms <= now) {
        std::string& d = p->q.front().data;
        size_t n = d.size();
        if (rate > 0) n = std::min<size_t>(n, static_cast<size_t>(std::max(0.0, p->budget)));
        if (n == 0) {
          wait_ms = std::min(wait_ms, 5);
          break;
        }
        ssize_t w = send(p->to, d.data(), n, MSG_NOSIGNAL);
        if (w <= 0) {
          c->Close();
          break;
        }
        (p == &up ? up_ : down_) += w;
        if (rate > 0) p->budget -= static_cast<double>(w);
        d.erase(0, static_cast<size_t>(w));
        if (d.empty()) p->q.pop_front();
      }
      if (!p->q.empty())
        wait_ms = std::min<int>(wait_ms, static_cast<int>(std::max<int64_t>(1, p->q.front().ready_ms - now)));
      if (p->eof && p->q.empty() && p->to >= 0) shutdown(p->to, SHUT_WR);
    }
    if ((up.eof && down.eof && up.q.empty() && down.q.empty()) ||
        (up.eof && c->upstream < 0))
      break;
    pollfd fds[2];
    int n = 0;
    if (!up.eof) fds[n++] = {c->client, POLLIN, 0};
    if (!down.eof && c->upstream >= 0) fds[n++] = {c->upstream, POLLIN, 0};
    if (poll(fds, static_cast<nfds_t>(n), wait_ms) < 0) break;
    // Chunks read now get the profile of now (SetProfile during the poll).
    prof = profile();
    for (int i = 0; i < n; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      Pipe* p = fds[i].fd == c->client ? &up : &down;
      ssize_t r = recv(p->from, buf, sizeof buf, 0);
      if (r <= 0) {
        p->eof = true;
        continue;
      }
      if (prof.blackhole) {  // swallowed
        dropped_ += r;
        continue;
      }
      if (ShouldCut(*c, r)) {
        dropped_ += r;
        ++cuts_;
        c->Close();
        break;
      }
      p->q.push_back(Chunk{NowMs() + prof.latency_ms, std::string(buf, static_cast<size_t>(r))});
    }
  }
  c->Close();
  for (const Pipe* p : {&up, &down})
    for (const Chunk& ch : p->q) dropped_ += static_cast<int64_t>(ch.data.size());
  close(c->client);
  if (c->upstream >= 0) close(c->upstream);
}

}  // namespace relais::server
