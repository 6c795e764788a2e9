#include "common/peer/avahi_discovery.h"

#include <avahi-client/client.h>
#include <avahi-client/lookup.h>
#include <avahi-client/publish.h>
#include <avahi-common/address.h>
#include <avahi-common/alternative.h>
#include <avahi-common/error.h>
#include <avahi-common/malloc.h>
#include <avahi-common/simple-watch.h>
#include <avahi-common/strlst.h>
#include <avahi-common/thread-watch.h>

#include <atomic>
#include <chrono>

namespace relais::peer {

using common::Result;
using common::Status;

namespace {

std::string NoDaemon(int error) {
  return std::string("démon Avahi indisponible (") + avahi_strerror(error) +
         "): découverte des pairs désactivée, donnez --peer HÔTE:PORT";
}

// One browse session on a simple poll; everything it allocates is freed
// with the client (browser and resolvers included).
class Session {
 public:
  explicit Session(const AvahiBrowseOptions& o) : o_(o) {}
  ~Session() {
    if (client_) avahi_client_free(client_);
    if (poll_) avahi_simple_poll_free(poll_);
  }

  Result<std::vector<DiscoveredService>> Run() {
    poll_ = avahi_simple_poll_new();
    if (!poll_) return Status::Internal("Avahi: boucle d'événements impossible");
    int error = 0;
    client_ = avahi_client_new(avahi_simple_poll_get(poll_), AvahiClientFlags(0), nullptr,
                               nullptr, &error);
    if (!client_) return Status::Unavailable(NoDaemon(error));
    if (!avahi_service_browser_new(client_, AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC,
                                   kPeerServiceType, nullptr, AvahiLookupFlags(0), &OnBrowse,
                                   this))
      return Status::Unavailable(NoDaemon(avahi_client_errno(client_)));
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(o_.browse_ms);
    for (;;) {
      if (all_for_now_ && pending_ == 0) break;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                            end - std::chrono::steady_clock::now())
                            .count();
      if (left <= 0) break;
      if (avahi_simple_poll_iterate(poll_, static_cast<int>(left)) != 0) break;
    }
    if (failed_ && found_.empty())
      return Status::Unavailable(NoDaemon(avahi_client_errno(client_)));
    return std::move(found_);
  }

 private:
  static void OnBrowse(AvahiServiceBrowser*, AvahiIfIndex iface, AvahiProtocol proto,
                       AvahiBrowserEvent event, const char* name, const char* type,
                       const char* domain, AvahiLookupResultFlags, void* data) {
    auto* s = static_cast<Session*>(data);
    switch (event) {
      case AVAHI_BROWSER_NEW:
        // One more than the bound is resolved so the caller sees "more".
        if (s->started_ > s->o_.max_services) return;
        if (avahi_service_resolver_new(s->client_, iface, proto, name, type, domain,
                                       AVAHI_PROTO_UNSPEC, AvahiLookupFlags(0), &OnResolve,
                                       s)) {
          ++s->started_;
          ++s->pending_;
        }
        return;
      case AVAHI_BROWSER_ALL_FOR_NOW:
        s->all_for_now_ = true;
        return;
      case AVAHI_BROWSER_FAILURE:
        s->failed_ = true;
        s->all_for_now_ = true;
        return;
      default:
        return;
    }
  }

  static void OnResolve(AvahiServiceResolver* r, AvahiIfIndex, AvahiProtocol,
                        AvahiResolverEvent event, const char* name, const char*, const char*,
                        const char* host, const AvahiAddress* a, uint16_t port,
                        AvahiStringList* txt, AvahiLookupResultFlags, void* data) {
    auto* s = static_cast<Session*>(data);
    --s->pending_;
    if (event == AVAHI_RESOLVER_FOUND && a) s->found_.push_back(Copy(name, host, a, port, txt));
    avahi_service_resolver_free(r);
  }

  // Copies at most one TXT string more than the bounds allow (so the pure
  // parser refuses), each cut to one byte over its bound.
  static DiscoveredService Copy(const char* name, const char* host, const AvahiAddress* a,
                                uint16_t port, AvahiStringList* txt) {
    DiscoveredService d;
    d.name = std::string(name ? name : "").substr(0, 256);
    d.host = std::string(host ? host : "").substr(0, kMaxHostNameBytes + 1);
    char buf[AVAHI_ADDRESS_STR_MAX];
    d.address = avahi_address_snprint(buf, sizeof buf, a) ? buf : "";
    d.ipv6 = a->proto == AVAHI_PROTO_INET6;
    d.port = port;
    for (AvahiStringList* l = txt; l && d.txt.size() <= kMaxTxtEntries;
         l = avahi_string_list_get_next(l)) {
      size_t n = std::min<size_t>(avahi_string_list_get_size(l), kMaxTxtEntryBytes + 1);
      d.txt.emplace_back(reinterpret_cast<const char*>(avahi_string_list_get_text(l)), n);
    }
    return d;
  }

  const AvahiBrowseOptions o_;
  AvahiSimplePoll* poll_ = nullptr;
  AvahiClient* client_ = nullptr;
  std::vector<DiscoveredService> found_;
  size_t started_ = 0;
  int pending_ = 0;
  bool all_for_now_ = false;
  bool failed_ = false;
};

class AvahiBrowser final : public PeerBrowser {
 public:
  explicit AvahiBrowser(const AvahiBrowseOptions& o) : o_(o) {}
  Result<std::vector<DiscoveredService>> Browse() override {
    Session s(o_);
    return s.Run();
  }

 private:
  AvahiBrowseOptions o_;
};

}  // namespace

std::unique_ptr<PeerBrowser> MakeAvahiBrowser(const AvahiBrowseOptions& options) {
  return std::make_unique<AvahiBrowser>(options);
}

// The announcer's state; every field but `established` is touched on the
// Avahi thread only (or before it starts / after it stops).
struct PeerAnnouncer::Impl {
  AvahiThreadedPoll* poll = nullptr;
  AvahiClient* client = nullptr;
  AvahiEntryGroup* group = nullptr;
  std::string name;
  uint16_t port = 0;
  std::vector<std::string> txt;
  std::atomic<bool> established{false};

  ~Impl() {
    if (poll) avahi_threaded_poll_stop(poll);
    if (client) avahi_client_free(client);  // frees the group too
    if (poll) avahi_threaded_poll_free(poll);
  }

  void Register(AvahiClient* c) {
    if (!group) group = avahi_entry_group_new(c, &OnGroup, this);
    if (!group || !avahi_entry_group_is_empty(group)) return;
    AvahiStringList* l = nullptr;
    for (const std::string& t : txt) l = avahi_string_list_add(l, t.c_str());
    int rc = avahi_entry_group_add_service_strlst(group, AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC,
                                                  AvahiPublishFlags(0), name.c_str(),
                                                  kPeerServiceType, nullptr, nullptr, port, l);
    avahi_string_list_free(l);
    if (rc == AVAHI_ERR_COLLISION) return Rename();
    if (rc == 0) (void)avahi_entry_group_commit(group);
  }

  void Rename() {
    char* alt = avahi_alternative_service_name(name.c_str());
    name = alt;
    avahi_free(alt);
    if (group) avahi_entry_group_reset(group);
    Register(client ? client : avahi_entry_group_get_client(group));
  }

  static void OnGroup(AvahiEntryGroup* g, AvahiEntryGroupState state, void* data) {
    auto* self = static_cast<Impl*>(data);
    self->group = g;
    self->established = state == AVAHI_ENTRY_GROUP_ESTABLISHED;
    if (state == AVAHI_ENTRY_GROUP_COLLISION) self->Rename();
  }

  static void OnClient(AvahiClient* c, AvahiClientState state, void* data) {
    auto* self = static_cast<Impl*>(data);
    switch (state) {
      case AVAHI_CLIENT_S_RUNNING:
        self->Register(c);
        return;
      case AVAHI_CLIENT_S_COLLISION:
      case AVAHI_CLIENT_S_REGISTERING:
        if (self->group) avahi_entry_group_reset(self->group);
        self->established = false;
        return;
      case AVAHI_CLIENT_FAILURE:
        // The daemon went away: drop this connection and wait for the
        // daemon with a new client (as avahi-publish does); it announces
        // again once the daemon runs.
        self->established = false;
        if (avahi_client_errno(c) != AVAHI_ERR_DISCONNECTED) return;
        if (self->group) avahi_entry_group_free(self->group);
        self->group = nullptr;
        avahi_client_free(c);
        self->client = nullptr;
        self->client = avahi_client_new(avahi_threaded_poll_get(self->poll),
                                        AVAHI_CLIENT_NO_FAIL, &OnClient, self, nullptr);
        return;
      default:  // CONNECTING: waiting for the daemon
        self->established = false;
        return;
    }
  }
};

PeerAnnouncer::PeerAnnouncer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PeerAnnouncer::~PeerAnnouncer() = default;

bool PeerAnnouncer::established() const { return impl_->established; }

Result<std::unique_ptr<PeerAnnouncer>> PeerAnnouncer::Start(const std::string& name,
                                                            uint16_t port,
                                                            const std::vector<std::string>& txt,
                                                            std::string* warning) {
  warning->clear();
  auto impl = std::make_unique<Impl>();
  impl->name = name.substr(0, 63);
  impl->port = port;
  impl->txt = txt;
  impl->poll = avahi_threaded_poll_new();
  if (!impl->poll) return Status::Internal("Avahi: boucle d'événements impossible");
  int error = 0;
  // The first callbacks run inside avahi_client_new, before `client` is
  // set: they use the client they are given.
  impl->client = avahi_client_new(avahi_threaded_poll_get(impl->poll), AVAHI_CLIENT_NO_FAIL,
                                  &Impl::OnClient, impl.get(), &error);
  if (!impl->client) return Status::Unavailable(NoDaemon(error));
  if (avahi_client_get_state(impl->client) == AVAHI_CLIENT_CONNECTING)
    *warning = NoDaemon(AVAHI_ERR_NO_DAEMON);
  if (avahi_threaded_poll_start(impl->poll) < 0)
    return Status::Internal("Avahi: fil d'événements impossible");
  return std::unique_ptr<PeerAnnouncer>(new PeerAnnouncer(std::move(impl)));
}

}  // namespace relais::peer
