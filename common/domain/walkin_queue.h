#pragma once
// The walk-in queue of one site and day (issue #16, docs/domain.md "File
// d'attente sans rendez-vous"). Pure functions of the ticket records alone:
// every replica holding the same records computes the same queue, the same
// next number and the same estimate. No clock, no I/O.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/model/ticket.h"
#include "common/util/status.h"

namespace relais::common::domain {

// Service duration assumed when no ticket of the day is done yet.
inline constexpr int64_t kDefaultServiceMs = 15 * 60 * 1000;
// Most tickets a queue computation reads (bounds every caller's work; a site
// issues a few hundred a day at most).
inline constexpr size_t kMaxTicketsPerDay = 20000;

// The waiting tickets of `site` on `day` (not deleted), in the order they
// are called: by (issued_at_ms, number, id). A total order computed from
// the records alone, so it is the same on every replica.
std::vector<Ticket> QueueOrder(const std::vector<Ticket>& tickets, const std::string& site,
                               const std::string& day);

// Median of (ended_at - called_at) over the tickets of `site` on `day`
// whose status is "done" with both instants set and ended >= called (the
// mean of the two middle values for an even count, rounded down);
// kDefaultServiceMs when there is none.
int64_t MedianServiceMs(const std::vector<Ticket>& tickets, const std::string& site,
                        const std::string& day);

// Estimated wait of the ticket at 1-based `position` in QueueOrder:
// position × median_service_ms (conservative: the patient being seen now
// counts as one ahead). 0 for position < 1.
int64_t EstimatedWaitMs(int position, int64_t median_service_ms);

// Next display number for `prefix` at `site` on `day`: the prefix followed
// by 1 + the largest counter of that prefix among those tickets (deleted and
// finished ones included, so a number is never handed out twice).
// INVALID_ARGUMENT for a prefix that is not one letter A-Z;
// RESOURCE_EXHAUSTED once kMaxTicketCounter is reached.
Result<std::string> NextTicketNumber(const std::vector<Ticket>& tickets,
                                     const std::string& site, const std::string& day,
                                     const std::string& prefix);

// Display numbers held by two or more tickets of `site` on `day` (two
// kiosks given the same prefix while offline), sorted. Empty when numbering
// is sound.
std::vector<std::string> DuplicateNumbers(const std::vector<Ticket>& tickets,
                                          const std::string& site, const std::string& day);

// The changes a status write makes to ticket `cur`: `changes` plus every
// field that travels with a status (room, called_at, ended_at, appointment)
// that `cur` holds, at its shown value unless `changes` sets it. Writing
// them resolves their concurrent values in the same write as the status, so
// the merge rule (merge/policy.h) shows the room of the winning call.
std::map<std::string, std::string> TicketStatusWrite(
    const Record& cur, std::map<std::string, std::string> changes);

}  // namespace relais::common::domain
